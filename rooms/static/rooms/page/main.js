// The room page: the join screen, then the call, then the screen that says why it ended.

import { Call } from "./call.js";
import { JoinScreen } from "./join.js";
import { endedWords } from "./words.js";

const config = JSON.parse(document.getElementById("room-config").textContent);
const ended = document.querySelector("#ended");

const join = new JoinScreen(document.querySelector("#join-screen"), config, async (choices) => {
  const call = new Call(config, (reason) => showEnded(reason));
  await call.join(choices);
  join.close();
  // The call in progress, for debugging from the browser's console.
  window.roomsCall = call;
});

function showEnded(reason) {
  window.roomsCall = null;
  const [title, message] = endedWords(reason);
  ended.querySelector("#ended-title").textContent = title;
  ended.querySelector("#ended-message").textContent =
    config.mode === "invitation" && reason !== "disconnect"
      ? `${message} An invitation link works once: ask for a new one to join again.`
      : message;
  ended.querySelector("#rejoin").hidden = config.mode === "invitation";
  ended.hidden = false;
  ended.querySelector("#ended-title").focus?.();
}

ended.querySelector("#rejoin").addEventListener("click", () => {
  ended.hidden = true;
  join.open();
});

if (!window.isSecureContext || !window.RTCPeerConnection) {
  document.querySelector("#join-error").textContent = window.isSecureContext
    ? "This browser cannot make video calls (it has no WebRTC)."
    : "Video calls need a secure connection: open this page over https.";
  document.querySelector("#join-button").disabled = true;
} else {
  join.open();
}
