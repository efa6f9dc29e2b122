// The join screen: a camera preview, the choice of devices, the person's name.

import { listDevices, openMedia, stopStream } from "./devices.js";

export class JoinScreen {
  /**
   * @param {HTMLElement} root
   * @param {{displayName: string}} config
   * @param {(choices: {name: string, stream: MediaStream, cameraOn: boolean, microphoneOn: boolean}) => Promise<void>} onJoin
   *   takes the stream over; rejects with an error whose words are shown
   */
  constructor(root, config, onJoin) {
    this._root = root;
    this._onJoin = onJoin;
    this._video = root.querySelector("#preview-video");
    this._placeholder = root.querySelector("#preview-placeholder");
    this._form = root.querySelector("#join-form");
    this._name = root.querySelector("#display-name");
    this._camera = root.querySelector("#camera-select");
    this._microphone = root.querySelector("#microphone-select");
    this._cameraOn = root.querySelector("#camera-on");
    this._microphoneOn = root.querySelector("#microphone-on");
    this._deviceMessage = root.querySelector("#device-message");
    this._button = root.querySelector("#join-button");
    this._error = root.querySelector("#join-error");
    this._stream = null;
    this._acquiring = null;
    // A name typed before this script ran stays.
    if (!this._name.value) {
      // An invitation that names its person knows better than this browser's last name.
      this._name.value = config.invitedName || localStorage.getItem("rooms.displayName") || config.displayName || "";
    }
    this._camera.addEventListener("change", () => this._acquire());
    this._microphone.addEventListener("change", () => this._acquire());
    this._cameraOn.addEventListener("change", () => this._applyToggles());
    this._microphoneOn.addEventListener("change", () => this._applyToggles());
    // A camera or microphone plugged in while the join screen is open appears in the lists.
    navigator.mediaDevices?.addEventListener?.("devicechange", () => {
      if (!this._root.hidden) this._fillDevices();
    });
    this._form.addEventListener("submit", (event) => {
      event.preventDefault();
      this._submit();
    });
  }

  /** Show the screen and start the preview. */
  open(error = "") {
    this._root.hidden = false;
    this._error.textContent = error;
    this._button.disabled = false;
    this._button.textContent = "Join the room";
    this._acquire();
  }

  /** Hide the screen; the preview stream stops unless it was handed over. */
  close() {
    this._root.hidden = true;
    this._release();
  }

  _release() {
    this._video.srcObject = null;
    stopStream(this._stream);
    this._stream = null;
  }

  async _acquire() {
    // One acquisition at a time: changing both selects quickly must not leak a stream.
    const previous = this._acquiring;
    const run = (async () => {
      await previous;
      this._release();
      const { stream, problem } = await openMedia({
        cameraId: this._camera.value || undefined,
        microphoneId: this._microphone.value || undefined,
      });
      if (this._root.hidden) {
        stopStream(stream);
        return;
      }
      this._stream = stream;
      this._video.srcObject = stream;
      this._deviceMessage.textContent = problem ?? "";
      await this._fillDevices();
      this._applyToggles();
    })();
    this._acquiring = run.catch(() => {});
    return run;
  }

  async _fillDevices() {
    const { cameras, microphones } = await listDevices();
    const inUse = (kind) =>
      this._stream
        ?.getTracks()
        .find((t) => t.kind === kind)
        ?.getSettings().deviceId;
    fill(this._camera, cameras, inUse("video"), "No camera");
    fill(this._microphone, microphones, inUse("audio"), "No microphone");
  }

  _applyToggles() {
    const video = this._stream?.getVideoTracks()[0];
    const audio = this._stream?.getAudioTracks()[0];
    // What cannot be opened (blocked, missing) is shown off; on again once it opens.
    uncheckWithout(this._cameraOn, video);
    uncheckWithout(this._microphoneOn, audio);
    if (video) video.enabled = this._cameraOn.checked;
    if (audio) audio.enabled = this._microphoneOn.checked;
    this._cameraOn.disabled = !video;
    this._microphoneOn.disabled = !audio;
    this._placeholder.hidden = Boolean(video) && this._cameraOn.checked;
    this._placeholder.textContent = video ? "Camera off" : "No camera";
  }

  async _submit() {
    const name = this._name.value.trim();
    if (!name) {
      this._error.textContent = "Type the name the others will see.";
      this._name.focus();
      return;
    }
    this._error.textContent = "";
    this._button.disabled = true;
    this._button.textContent = "Joining…";
    await this._acquiring;
    localStorage.setItem("rooms.displayName", name);
    const stream = this._stream ?? new MediaStream();
    const choices = {
      name,
      stream,
      cameraOn: this._cameraOn.checked,
      microphoneOn: this._microphoneOn.checked,
      cameraId: this._camera.value,
      microphoneId: this._microphone.value,
    };
    // The call owns the stream from here on.
    this._stream = null;
    this._video.srcObject = null;
    try {
      await this._onJoin(choices);
    } catch (error) {
      this.open(error.words ?? error.message);
    }
  }
}

function uncheckWithout(checkbox, track) {
  if (!track && checkbox.checked) {
    checkbox.checked = false;
    checkbox.dataset.unchecked = "missing";
  } else if (track && checkbox.dataset.unchecked === "missing") {
    checkbox.checked = true;
    delete checkbox.dataset.unchecked;
  }
}

function fill(select, devices, selected, emptyLabel) {
  const options = devices.map((device) => new Option(device.label, device.id, false, device.id === selected));
  if (options.length === 0) options.push(new Option(emptyLabel, ""));
  select.replaceChildren(...options);
  select.disabled = devices.length === 0;
}
