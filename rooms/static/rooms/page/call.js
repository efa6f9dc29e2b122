// A call in progress: one Session for the camera and microphone, a second one while the
// screen is shared, and the page around them (grid, people, chat, controls).

import { Session } from "../client.js";
import { SpeakingDetector } from "../speaking.js";
import { Chat } from "./chat.js";
import { iconButton, setToggle } from "./controls.js";
import { mediaErrorWords, openMedia, stopStream } from "./devices.js";
import { Grid } from "./grid.js";
import { momentsFor } from "./moments.js";
import { limitNames, seatOf } from "./names.js";
import { PeopleList } from "./people.js";
import { QualityWatcher } from "./quality.js";
import { RecordingControl } from "./recording.js";
import { SeatError, requestSeat } from "./seats.js";
import { SettingsDialog } from "./settings.js";
import { SHORTCUTS, Shortcuts } from "./shortcuts.js";
import { goneWords, joinErrorWords } from "./words.js";

const LOCAL = "local";
const LOCAL_SCREEN = "local-screen";
// While the server is away, the page asks again this often (doubling up to the most).
const REJOIN_FIRST_DELAY_MS = 500;
const REJOIN_MAX_DELAY_MS = 2000;
export const UNREACHABLE_WORDS = "The server can't be reached. Trying again…";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A failure that may go away by itself when the server answers again. */
function isUnreachable(error) {
  if (error instanceof SeatError) return error.status === 0 || error.status >= 500;
  return ["unreachable", "timeout", "connection-lost", "not-connected"].includes(error?.reason);
}

export class Call {
  /**
   * @param {object} config the page's configuration (room-config)
   * @param {(reason: string) => void} onEnded called once, when we are out of the room
   */
  constructor(config, onEnded) {
    this._config = config;
    limitNames(config.maxNameLength);
    this._onEnded = onEnded;
    this._root = document.querySelector("#call");
    this._alert = document.querySelector("#call-alert");
    this._state = document.querySelector("#call-state");
    this._buttons = {
      microphone: document.querySelector("#toggle-microphone"),
      camera: document.querySelector("#toggle-camera"),
      screen: document.querySelector("#toggle-screen"),
      side: document.querySelector("#toggle-side"),
      leave: document.querySelector("#leave"),
      copy: document.querySelector("#copy-link"),
      view: document.querySelector("#toggle-view"),
      settings: document.querySelector("#open-settings"),
      help: document.querySelector("#open-help"),
    };
    decorateButtons(this._buttons);
    this._side = document.querySelector("#side");
    this._unread = document.querySelector("#unread");
    this._speaking = new SpeakingDetector();
    this._grid = new Grid(document.querySelector("#grid"), document.querySelector("#tile-template"), this._speaking);
    this._people = new PeopleList(document.querySelector("#people"), document.querySelector("#people-count"), {
      remove: (person) => this._remove(person),
      stopCamera: (person) => this._moderate(() => this.session.forceUnpublish(person.camera)),
      stopScreen: (person) => this._moderate(() => this.session.forceUnpublish(person.screen)),
    });
    this._chat = new Chat(
      document.querySelector("#messages"),
      document.querySelector("#chat-form"),
      document.querySelector("#chat-input"),
      (text) => this.session.signal({ type: "chat", data: text }),
    );
    this._recording = new RecordingControl(config, (text) => this._showAlert(text));
    // Hands, reactions, notices, "alone", the waiting room (moments.js).
    this._moments = momentsFor(config);
    this.session = null;
    this._screen = null;
    this._name = "";
    this._devices = {};
    // What we were sending, kept while connected, so a rejoin sends the same again.
    this._wanted = { publishing: false, audioActive: true, videoActive: true };
    this._localStream = null;
    this._rejoining = false;
    this._ended = false;
    // Who was in the room before us is not news: only later arrivals are announced.
    this._announce = false;
    this._listeners = [];
    this._on(this._buttons.microphone, "click", () => this._toggleMicrophone());
    this._on(this._buttons.camera, "click", () => this._toggleCamera());
    this._on(this._buttons.screen, "click", () => this._toggleScreen());
    this._on(this._buttons.side, "click", () => this._toggleSide());
    this._on(this._buttons.leave, "click", () => this.leave());
    this._on(this._buttons.view, "click", () => this._grid.stage.toggleView());
    this._on(this._grid.stage, "viewChanged", () => this._syncControls());
    this._settings = new SettingsDialog(document.querySelector("#settings-dialog"), document.querySelector("#grid"), {
      stream: () => this.session?.publisher?.mediaStream ?? null,
      switchDevice: (kind, deviceId) => this.switchDevice(kind, deviceId),
    });
    this._on(this._buttons.settings, "click", () => this._settings.open());
    this._shortcuts = new Shortcuts(
      {
        microphone: () => this._toggleMicrophone(),
        camera: () => this._toggleCamera(),
        view: () => this._grid.stage.toggleView(),
        side: () => this._toggleSide(),
        settings: () => this._settings.open(),
        help: () => this._shortcuts.toggleHelp(),
        leave: () => this.leave(),
      },
      document.querySelector("#help-dialog"),
    );
    this._on(this._buttons.help, "click", () => this._shortcuts.toggleHelp());
    this._quality = new QualityWatcher(
      () => this._watchedPeers(),
      (key) => this._grid.tileOf(key),
    );
    if (this._buttons.copy) this._on(this._buttons.copy, "click", () => this._copyLink());
    // Leaving the page leaves the room at once, instead of after the server's grace period.
    this._on(window, "pagehide", () => {
      this._screen?.session.disconnect({ wait: false });
      this.session?.disconnect({ wait: false });
    });
  }

  /**
   * Join with the choices of the join screen, and show the call; takes the stream over
   * and publishes it in the background. Rejects with an error carrying `words` when
   * joining failed (everything is closed then).
   */
  async join({ name, stream, cameraOn, microphoneOn, cameraId, microphoneId }) {
    this._name = name;
    this._devices = { cameraId, microphoneId };
    this._wanted = {
      publishing: stream.getTracks().length > 0,
      audioActive: microphoneOn,
      videoActive: cameraOn,
    };
    try {
      await this._connect(name);
    } catch (error) {
      stopStream(stream);
      this._close();
      error.words = joinErrorWords(error);
      throw error;
    }
    this._root.hidden = false;
    this._side.hidden = !window.matchMedia("(min-width: 60em)").matches;
    this._syncSide();
    this._render();
    this._publishCamera(stream, { audioActive: microphoneOn, videoActive: cameraOn });
  }

  /** Leave the room (the Leave button). */
  async leave() {
    this._leaving = true;
    this._buttons.leave.disabled = true;
    await this._stopScreen();
    await this.session?.disconnect();
    // sessionDisconnected has ended the call; this covers a session that never joined.
    this._end("disconnect");
  }

  // Joining and publishing.

  async _connect(name) {
    for (let attempt = 0; ; attempt += 1) {
      let token = this._config.invitation;
      if (this._config.mode !== "invitation") {
        const seat = await this._moments.seat({ name });
        token = seat.token;
        this._name = seat.name; // as the server tidied it
      }
      this.session = new Session({
        // Our own screen is shown from the local capture, not received back.
        subscribeTo: (stream) => seatOf(stream.connection).screenOf !== this.session.connection?.connectionId,
      });
      this._wire(this.session);
      this._moments.attach(this.session);
      try {
        await this.session.connect(token, { clientData: JSON.stringify({ clientData: name }) });
        this._announce = true;
        return;
      } catch (error) {
        // The room closed between the seat and the join (its last person left): a new
        // seat reopens it. Closed before the join is 202, during it 203 (as OpenVidu).
        const closed = error.reason === "room-closed" || error.reason === "room-not-found";
        if (!closed || this._config.mode !== "name" || attempt > 0) throw error;
      }
    }
  }

  async _publishCamera(stream, { audioActive, videoActive }) {
    this._localStream = stream;
    if (stream.getTracks().length === 0) {
      this._grid.show(LOCAL, { name: this._name, local: true, mediaStream: null, hasAudio: false, hasVideo: false });
      this._syncControls();
      return;
    }
    this._grid.show(LOCAL, {
      name: this._name,
      local: true,
      mediaStream: stream,
      hasAudio: stream.getAudioTracks().length > 0,
      hasVideo: stream.getVideoTracks().length > 0,
      audioActive,
      videoActive,
    });
    try {
      await this.session.publish(stream, { audioActive, videoActive });
    } catch (error) {
      stopStream(stream);
      this._grid.show(LOCAL, { name: this._name, local: true, mediaStream: null, hasAudio: false, hasVideo: false });
      if (this.session.state !== "disconnected") {
        this._showAlert(`Your camera and microphone could not be sent to the room: ${error.message}`);
      }
    }
    this._syncControls();
    this._render();
  }

  // The session's events.

  _wire(session) {
    const on = (type, handler) => this._on(session, type, (event) => handler(event.detail));
    on("connectionCreated", ({ connection }) => {
      const seat = seatOf(connection);
      if (!seat.screenOf) {
        this._grid.show(connection.connectionId, {
          name: seat.name,
          mediaStream: null,
          hasAudio: false,
          hasVideo: false,
        });
        if (this._announce) this._chat.notice(`${seat.name} joined.`);
      }
      this._render();
    });
    on("connectionDestroyed", ({ connection, reason }) => {
      this._grid.remove(connection.connectionId);
      const seat = seatOf(connection);
      if (!seat.screenOf) this._chat.notice(goneWords(seat.name, reason));
      this._render();
    });
    on("streamCreated", ({ stream }) => {
      const seat = seatOf(stream.connection);
      if (seat.screenOf === session.connection?.connectionId) return this._render();
      this._grid.show(stream.connection.connectionId, {
        name: seat.name,
        screen: Boolean(seat.screenOf),
        owner: seat.screenOf ?? undefined,
        hasAudio: stream.hasAudio,
        hasVideo: stream.hasVideo,
        audioActive: stream.audioActive,
        videoActive: stream.videoActive,
      });
      this._render();
    });
    on("streamSubscribed", ({ stream, mediaStream }) => {
      const seat = seatOf(stream.connection);
      this._grid.show(stream.connection.connectionId, {
        name: seat.name,
        screen: Boolean(seat.screenOf),
        mediaStream,
      });
    });
    on("streamDestroyed", ({ stream, reason }) => {
      if (stream.local) {
        this._grid.show(LOCAL, { name: this._name, local: true, mediaStream: null, hasAudio: false, hasVideo: false });
        if (reason.startsWith("forceUnpublish")) {
          this._showAlert(
            "A moderator stopped your camera and microphone. Press the camera button to send them again.",
          );
        }
      } else if (seatOf(stream.connection).screenOf) {
        this._grid.remove(stream.connection.connectionId);
      } else {
        this._grid.show(stream.connection.connectionId, { mediaStream: null, hasAudio: false, hasVideo: false });
      }
      this._syncControls();
      this._render();
    });
    on("streamPropertyChanged", ({ stream }) => {
      const key = stream.local ? LOCAL : stream.connection.connectionId;
      this._grid.update(key, { audioActive: stream.audioActive, videoActive: stream.videoActive });
      this._render();
    });
    on("signal", ({ type, data, from }) => {
      if (type !== "chat" || !from) return;
      this._chat.message(seatOf(from).name, data, from.local);
      if (this._side.hidden || document.querySelector("#chat-panel").hidden) {
        this._unread.hidden = false;
        this._unread.textContent = "new messages";
      }
    });
    on("recordingStarted", () => this._recording.show(true));
    on("recordingStopped", () => this._recording.show(false));
    on("reconnecting", () => {
      this._state.textContent = "Reconnecting…";
      this._showAlert("The connection dropped. Reconnecting…");
    });
    on("reconnected", () => {
      this._state.textContent = "Connected";
      this._hideAlert();
      this._chat.notice("Reconnected.");
    });
    on("exception", ({ name, message, stream }) => {
      const who = stream ? seatOf(stream.connection).name : "";
      if (name === "subscriptionFailed") this._showAlert(`The video of ${who} could not be received (${message}).`);
      else if (name === "publisherFailed") this._showAlert(`Your video stopped reaching the room (${message}).`);
      else this._showAlert(message);
    });
    on("sessionDisconnected", ({ reason }) => {
      if (session !== this.session) return;
      // Lost, not sent away: a room page (by name) takes a new seat by itself as soon as
      // the server answers again (after a restart the old seat is gone). An invitation
      // works once, so its page ends here.
      const rejoin = reason === "networkDisconnect" && this._config.mode === "name" && !this._leaving;
      this._stopScreen().finally(() => (rejoin ? this._rejoin() : this._end(reason)));
    });
  }

  // Controls.

  async _toggleMicrophone() {
    const stream = this.session?.publisher;
    if (!stream?.hasAudio) return;
    await this._changeActive(() => this.session.setAudioActive(!stream.audioActive));
  }

  async _toggleCamera() {
    const stream = this.session?.publisher;
    if (!stream) return this._startCamera();
    if (!stream.hasVideo) return;
    await this._changeActive(() => this.session.setVideoActive(!stream.videoActive));
  }

  async _changeActive(change) {
    try {
      await change();
    } catch (error) {
      // The media changed anyway; only the others' indicator may be wrong.
      this._showAlert(`The others may not see this change on your tile (${error.message}).`);
    }
    this._syncControls();
    this._render();
  }

  /** Publish again after a moderator stopped our camera, or after it failed. */
  async _startCamera() {
    this._buttons.camera.disabled = true;
    const { stream, problem } = await openMedia(this._devices);
    if (problem) this._showAlert(problem);
    else this._hideAlert();
    this._buttons.camera.disabled = false;
    if (this.session?.state !== "connected") {
      stopStream(stream);
      return;
    }
    await this._publishCamera(stream, { audioActive: true, videoActive: true });
  }

  async _toggleScreen() {
    if (this._screen) return this._stopScreen();
    const button = this._buttons.screen;
    button.disabled = true;
    let display = null;
    let session = null;
    try {
      try {
        display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      } catch (error) {
        // Cancelling the browser's picker is a choice, not an error.
        if (error.name !== "NotAllowedError") this._showAlert(mediaErrorWords(error));
        return;
      }
      const seat = await requestSeat(this._config, {
        kind: "screen",
        screen_of: this.session.connection.connectionId,
      });
      session = new Session({ subscribeTo: () => false });
      await session.connect(seat.token, {
        clientData: JSON.stringify({ clientData: this._name, screen: true }),
      });
      await session.publish(display, { typeOfVideo: "SCREEN" });
      const screen = { session, display };
      this._screen = screen;
      this._on(session, "sessionDisconnected", () => this._screenEnded(screen));
      this._on(session, "streamDestroyed", () => this._stopScreen());
      // The browser's own "Stop sharing" button.
      display.getVideoTracks()[0]?.addEventListener("ended", () => this._stopScreen(), { once: true });
      this._grid.show(LOCAL_SCREEN, {
        name: this._name,
        local: true,
        screen: true,
        owner: LOCAL,
        mediaStream: display,
      });
    } catch (error) {
      stopStream(display);
      await session?.disconnect();
      this._showAlert(`Your screen could not be shared: ${error.message}`);
    } finally {
      button.disabled = false;
      this._syncControls();
      this._render();
    }
  }

  async _stopScreen() {
    const screen = this._screen;
    if (!screen) return;
    this._screen = null;
    await screen.session.disconnect();
    this._screenEnded(screen);
  }

  _screenEnded(screen) {
    stopStream(screen.display);
    if (this._screen === screen) this._screen = null;
    this._grid.remove(LOCAL_SCREEN);
    this._syncControls();
    this._render();
  }

  _toggleSide() {
    this._side.hidden = !this._side.hidden;
    this._syncSide();
  }

  _syncSide() {
    this._buttons.side.setAttribute("aria-pressed", String(!this._side.hidden));
    if (!this._side.hidden) this._unread.hidden = true;
  }

  async _copyLink() {
    try {
      await navigator.clipboard.writeText(this._config.roomUrl);
      this._buttons.copy.textContent = "Link copied";
    } catch {
      this._buttons.copy.textContent = this._config.roomUrl;
    }
  }

  async _remove(person) {
    if (!window.confirm(`Remove ${person.name} from the room?`)) return;
    await this._moderate(async () => {
      for (const screenId of person.screenConnections) {
        await this.session.forceDisconnect(screenId).catch(() => {});
      }
      await this.session.forceDisconnect(person.id);
    });
  }

  async _moderate(action) {
    try {
      await action();
    } catch (error) {
      this._showAlert(`That did not work: ${error.message}`);
    }
  }

  _syncControls() {
    const stream = this.session?.publisher;
    if (this.session?.state === "connected") {
      this._wanted = stream
        ? { publishing: true, audioActive: stream.audioActive, videoActive: stream.videoActive }
        : { ...this._wanted, publishing: false };
    }
    const { microphone, camera, screen, view } = this._buttons;
    // Pressed is on: the microphone sends, the camera sends, the screen is shared.
    microphone.disabled = !stream?.hasAudio;
    const speaking = Boolean(stream?.hasAudio && stream.audioActive);
    setToggle(microphone, {
      pressed: speaking,
      icon: "microphone",
      off: !speaking,
      tip: speaking ? "Mute the microphone" : "Unmute the microphone",
    });
    camera.disabled = Boolean(stream && !stream.hasVideo);
    const filming = Boolean(stream?.hasVideo && stream.videoActive);
    setToggle(camera, {
      pressed: filming,
      icon: "camera",
      off: !filming,
      tip: filming ? "Turn the camera off" : "Turn the camera on",
    });
    setToggle(screen, {
      pressed: Boolean(this._screen),
      tip: this._screen ? "Stop sharing your screen" : "Share your screen",
    });
    const speakerView = this._grid.stage.view === "speaker";
    setToggle(view, {
      pressed: speakerView,
      icon: speakerView ? "speaker" : "grid",
      tip: speakerView ? "Show everyone in a grid" : "Show the speaker large",
    });
    if (!navigator.mediaDevices?.getDisplayMedia) screen.hidden = true;
    if (stream) {
      this._grid.update(LOCAL, {
        hasAudio: stream.hasAudio,
        hasVideo: stream.hasVideo,
        audioActive: stream.audioActive,
        videoActive: stream.videoActive,
      });
    }
  }

  /**
   * Use another camera or microphone without leaving: the new track replaces the
   * published one (the others' video goes on), and a rejoin opens the same device.
   * @param {"audio"|"video"} kind
   * @param {string} deviceId
   */
  async switchDevice(kind, deviceId) {
    const stream = this.session?.publisher;
    const sent = stream?.mediaStream?.getTracks().find((track) => track.kind === kind);
    if (!sent) {
      const what = kind === "video" ? "camera" : "microphone";
      throw Object.assign(new Error(`No ${what} is being sent.`), {
        words: `You joined without a ${what}: leave and join again to add one.`,
      });
    }
    if (sent.getSettings().deviceId === deviceId) return;
    let track;
    try {
      const opened = await navigator.mediaDevices.getUserMedia({ [kind]: { deviceId: { exact: deviceId } } });
      [track] = opened.getTracks();
    } catch (error) {
      throw Object.assign(error, { words: mediaErrorWords(error) });
    }
    try {
      await this.session.replaceTrack(track);
    } catch (error) {
      track.stop();
      throw error;
    }
    this._devices = { ...this._devices, [kind === "video" ? "cameraId" : "microphoneId"]: deviceId };
    // A new MediaStream object, so the tile plays it and listens to the new microphone.
    this._grid.show(LOCAL, {
      name: this._name,
      local: true,
      mediaStream: new MediaStream(stream.mediaStream.getTracks()),
    });
    this._syncControls();
  }

  /** What the quality watcher reads: every camera and screen on the stage, with its peer connection. */
  *_watchedPeers() {
    const session = this.session;
    if (session?.state !== "connected") return;
    if (session.publisher) {
      const stream = session.publisher;
      yield { key: LOCAL, pc: session.peerConnectionOf(stream), expectVideo: stream.hasVideo && stream.videoActive };
    }
    for (const connection of session.remoteConnections.values()) {
      const stream = connection.stream;
      if (!stream) continue;
      yield {
        key: connection.connectionId,
        pc: session.peerConnectionOf(stream),
        expectVideo: stream.hasVideo && stream.videoActive,
      };
    }
  }

  /** The participants list from the session's connections. */
  _render() {
    const session = this.session;
    if (!session?.connection) return;
    const me = session.connection;
    const screens = new Map();
    for (const connection of session.remoteConnections.values()) {
      const { screenOf } = seatOf(connection);
      if (screenOf) screens.set(screenOf, [...(screens.get(screenOf) ?? []), connection]);
    }
    const people = [];
    for (const connection of [me, ...session.remoteConnections.values()]) {
      const seat = seatOf(connection);
      if (seat.screenOf) continue;
      const theirScreens = screens.get(connection.connectionId) ?? [];
      people.push({
        id: connection.connectionId,
        name: connection.local ? this._name : seat.name,
        local: connection.local,
        moderator: connection.local && connection.role === "MODERATOR",
        camera: connection.stream,
        screen: connection.local
          ? (this._screen?.session.publisher ?? null)
          : (theirScreens.find((screen) => screen.stream)?.stream ?? null),
        screenConnections: theirScreens.map((screen) => screen.connectionId),
      });
    }
    this._people.render(people, me.role === "MODERATOR");
  }

  // Coming back after the server was away.

  /**
   * Take a new seat in the same room, with the same name, and send the same camera and
   * microphone (the same devices, muted or not as they were), without a click. Until
   * the server answers, the page says so and asks again every few seconds.
   */
  async _rejoin() {
    if (this._rejoining || this._ended) return;
    this._rejoining = true;
    const wanted = this._wanted;
    stopStream(this._localStream);
    this._localStream = null;
    this._grid.clear();
    this._people.clear();
    this._grid.show(LOCAL, { name: this._name, local: true, mediaStream: null, hasAudio: false, hasVideo: false });
    this._state.textContent = "Trying again…";
    this._showAlert(UNREACHABLE_WORDS);
    this._announce = false;
    let delay = REJOIN_FIRST_DELAY_MS;
    for (;;) {
      if (this._ended || this._leaving) return;
      try {
        await this._connect(this._name);
        break;
      } catch (error) {
        if (!isUnreachable(error)) {
          this._rejoining = false;
          this._end("networkDisconnect");
          return;
        }
      }
      await sleep(delay);
      delay = Math.min(delay * 2, REJOIN_MAX_DELAY_MS);
    }
    this._rejoining = false;
    this._state.textContent = "Connected";
    this._hideAlert();
    this._chat.notice("Back in the room.");
    this._render();
    if (!wanted.publishing) return this._syncControls();
    const { stream, problem } = await openMedia(this._devices);
    if (problem) this._showAlert(problem);
    if (this.session?.state !== "connected") return stopStream(stream);
    await this._publishCamera(stream, wanted);
  }

  // Ending.

  _showAlert(text) {
    this._alert.textContent = text;
    this._alert.hidden = false;
  }

  _hideAlert() {
    this._alert.hidden = true;
    this._alert.textContent = "";
  }

  _end(reason) {
    if (this._ended) return;
    this._ended = true;
    this._close();
    this._onEnded(reason);
  }

  /** Release everything the call holds on the page. */
  _close() {
    for (const [target, type, handler] of this._listeners) target.removeEventListener(type, handler);
    this._listeners = [];
    this._chat.detach();
    this._chat.clear();
    this._recording.detach();
    this._settings.close();
    this._shortcuts.close();
    this._quality.close();
    this._moments.detach();
    this._grid.clear();
    this._grid.stage.close();
    this._people.clear();
    this._speaking.close();
    this._hideAlert();
    this._root.hidden = true;
    for (const button of Object.values(this._buttons)) if (button) button.disabled = false;
  }

  _on(target, type, handler) {
    target.addEventListener(type, handler);
    this._listeners.push([target, type, handler]);
  }
}

/** Icons, tooltips and shortcuts for the call's buttons; their names stay the words. */
function decorateButtons(buttons) {
  const keys = Object.fromEntries(SHORTCUTS.map((entry) => [entry.action, entry]));
  const decorate = (button, name, label, action) => {
    if (!button) return;
    const shortcut = keys[action];
    iconButton(button, { icon: name, label, shortcut: shortcut?.keys, keys: shortcut?.aria });
  };
  decorate(buttons.microphone, "microphone", "Microphone", "microphone");
  decorate(buttons.camera, "camera", "Camera", "camera");
  decorate(buttons.screen, "screen", "Share screen");
  decorate(buttons.view, "grid", "Speaker view", "view");
  decorate(buttons.side, "people", "People and chat", "side");
  decorate(buttons.settings, "settings", "Settings", "settings");
  decorate(buttons.leave, "leave", "Leave", "leave");
  decorate(buttons.help, "keyboard", "Keyboard shortcuts", "help");
}
