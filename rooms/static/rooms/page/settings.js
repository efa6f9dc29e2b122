// The settings dialog of the call: the camera, microphone and speaker in use, changed
// without leaving (the call replaces the published track; a speaker is the sink of
// every tile's video), with the camera's picture and the microphone's level; a device
// plugged in meanwhile appears in the lists.

import { listDevices } from "./devices.js";

const LEVEL_INTERVAL_MS = 100;

/** Speakers (audio outputs), where the browser can choose one (setSinkId). */
export async function listSpeakers() {
  if (!("setSinkId" in HTMLMediaElement.prototype) || !navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((device) => device.kind === "audiooutput" && device.deviceId)
    .map((device, index) => ({ id: device.deviceId, label: device.label || `Speaker ${index + 1}` }));
}

export class SettingsDialog {
  /**
   * @param {HTMLDialogElement} dialog
   * @param {HTMLElement} grid the tiles, whose videos play on the chosen speaker
   * @param {{stream: () => MediaStream|null, switchDevice: (kind: "audio"|"video", id: string) => Promise<void>}} call
   */
  constructor(dialog, grid, call) {
    this._dialog = dialog;
    this._grid = grid;
    this._call = call;
    this._speakerId = "";
    // Every listener goes with the call: a later call (Join again) makes its own.
    this._listening = new AbortController();
    const signal = this._listening.signal;
    this._video = dialog.querySelector("#settings-video");
    this._camera = dialog.querySelector("#settings-camera");
    this._microphone = dialog.querySelector("#settings-microphone");
    this._speaker = dialog.querySelector("#settings-speaker");
    this._level = dialog.querySelector("#settings-level");
    this._message = dialog.querySelector("#settings-message");
    this._audio = null;
    this._changing = Promise.resolve();
    this._camera.addEventListener("change", () => this._switch("video", this._camera.value), { signal });
    this._microphone.addEventListener("change", () => this._switch("audio", this._microphone.value), { signal });
    this._speaker.addEventListener("change", () => this._setSpeaker(this._speaker.value), { signal });
    dialog.addEventListener("close", () => this._stopPreview(), { signal });
    // A device plugged in (or out) while the dialog is open appears (or goes) at once.
    navigator.mediaDevices?.addEventListener?.("devicechange", () => dialog.open && this._fill(), { signal });
    // Tiles that arrive later play on the chosen speaker too.
    this._tiles = new MutationObserver(() => this._applySpeaker().catch(() => {}));
    this._tiles.observe(grid, { childList: true });
  }

  async open() {
    this._message.textContent = "";
    this._dialog.showModal();
    await this._fill();
    this._preview();
  }

  close() {
    this._listening.abort();
    this._tiles.disconnect();
    if (this._dialog.open) this._dialog.close();
    this._stopPreview();
  }

  async _fill() {
    const [{ cameras, microphones }, speakers] = await Promise.all([listDevices(), listSpeakers()]);
    const stream = this._call.stream();
    const inUse = (kind) =>
      stream
        ?.getTracks()
        .find((track) => track.kind === kind)
        ?.getSettings().deviceId;
    fill(this._camera, cameras, inUse("video"), "No camera");
    fill(this._microphone, microphones, inUse("audio"), "No microphone");
    fill(this._speaker, speakers, this._speakerId, "The system's speaker");
    this._speaker.closest(".field").hidden = !("setSinkId" in HTMLMediaElement.prototype);
  }

  _switch(kind, deviceId) {
    // One change at a time: two quick choices must not publish the first one last.
    this._changing = this._changing.then(async () => {
      this._message.textContent = kind === "video" ? "Switching the camera…" : "Switching the microphone…";
      try {
        await this._call.switchDevice(kind, deviceId);
        this._message.textContent = kind === "video" ? "Camera switched." : "Microphone switched.";
      } catch (error) {
        this._message.textContent = error.words ?? error.message;
      }
      if (this._dialog.open) {
        await this._fill();
        this._preview();
      }
    });
    return this._changing;
  }

  async _setSpeaker(deviceId) {
    this._speakerId = deviceId;
    try {
      await this._applySpeaker();
      this._message.textContent = "Speaker changed.";
    } catch (error) {
      this._message.textContent = `The speaker could not be changed (${error.message}).`;
    }
  }

  async _applySpeaker() {
    if (!("setSinkId" in HTMLMediaElement.prototype)) return;
    const videos = [...this._grid.querySelectorAll("figure.tile:not(.local) video")];
    await Promise.all(videos.filter((v) => v.sinkId !== this._speakerId).map((v) => v.setSinkId(this._speakerId)));
  }

  _preview() {
    this._stopPreview();
    const stream = this._call.stream();
    const video = stream?.getVideoTracks()[0];
    const audio = stream?.getAudioTracks()[0];
    this._video.srcObject = video ? new MediaStream([video]) : null;
    if (!audio) return;
    // The level of the microphone being sent (silent while muted: it is what the others hear).
    const context = new AudioContext();
    context.resume().catch(() => {});
    const source = context.createMediaStreamSource(new MediaStream([audio]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      // RMS speech is ~0.01-0.3: a square root spreads it over the meter.
      this._level.value = Math.min(1, Math.sqrt(Math.sqrt(sum / samples.length)));
    }, LEVEL_INTERVAL_MS);
    this._audio = { context, source, timer };
  }

  _stopPreview() {
    this._video.srcObject = null;
    if (!this._audio) return;
    clearInterval(this._audio.timer);
    this._audio.source.disconnect();
    this._audio.context.close().catch(() => {});
    this._audio = null;
    this._level.value = 0;
  }
}

function fill(select, devices, selected, emptyLabel) {
  const options = devices.map((device) => new Option(device.label, device.id, false, device.id === selected));
  if (options.length === 0) options.push(new Option(emptyLabel, ""));
  select.replaceChildren(...options);
  select.disabled = devices.length === 0;
}
