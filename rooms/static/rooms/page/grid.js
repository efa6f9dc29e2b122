// The video grid: one tile per stream, with the person's name, the state of their
// microphone and camera, and who is speaking. Where the tiles go is the stage's
// (stage.js): the grid or the speaker view.

import { Stage } from "./stage.js";

export class Grid {
  /**
   * @param {HTMLElement} container
   * @param {HTMLTemplateElement} template
   * @param {import("../speaking.js").SpeakingDetector} speaking
   */
  constructor(container, template, speaking) {
    this._container = container;
    this._template = template;
    this._speaking = speaking;
    /** @type {Map<string, HTMLElement>} */
    this._tiles = new Map();
    this.stage = new Stage(container);
  }

  /**
   * Show (or update) a tile.
   * @param {string} key
   * @param {{name: string, mediaStream?: MediaStream|null, local?: boolean, screen?: boolean,
   *          audioActive?: boolean, videoActive?: boolean, hasAudio?: boolean, hasVideo?: boolean,
   *          owner?: string}} tile `owner`: for a screen, the key of its presenter's tile
   */
  show(key, tile) {
    let figure = this._tiles.get(key);
    if (!figure) {
      figure = this._template.content.firstElementChild.cloneNode(true);
      figure.dataset.key = key;
      this._tiles.set(key, figure);
      this._container.append(figure);
    }
    const video = figure.querySelector("video");
    figure.classList.toggle("local", Boolean(tile.local));
    figure.classList.toggle("screen", Boolean(tile.screen));
    if (tile.owner) figure.dataset.owner = tile.owner;
    // The local tile never plays its own sound back.
    video.muted = Boolean(tile.local);
    if (tile.mediaStream !== undefined && video.srcObject !== tile.mediaStream) {
      video.srcObject = tile.mediaStream;
      if (tile.mediaStream) {
        video.play().catch(() => {
          // Autoplay refused: the next click anywhere starts it.
          document.addEventListener("click", () => video.play().catch(() => {}), { once: true });
        });
        if (!tile.screen) {
          this._speaking.watch(key, tile.mediaStream, (speaking) => {
            figure.classList.toggle("speaking", speaking);
            figure.dataset.speaking = String(speaking);
            this.stage.speaking(key, speaking);
          });
        }
      } else {
        this._speaking.unwatch(key);
      }
    }
    this.update(key, tile);
  }

  /** Change the name or the microphone/camera state of a tile. */
  update(key, { name, audioActive, videoActive, hasAudio, hasVideo, screen }) {
    const figure = this._tiles.get(key);
    if (!figure) return;
    if (name !== undefined) {
      figure.dataset.name = name;
      const local = figure.classList.contains("local");
      let label = screen ? `${name}'s screen` : name;
      if (local) label = screen ? "Your screen" : `${name} (you)`;
      figure.querySelector(".tile-name").textContent = label;
      figure.querySelector(".avatar").textContent = name.trim().charAt(0).toUpperCase() || "?";
      figure.setAttribute("aria-label", label);
    }
    if (audioActive !== undefined || hasAudio !== undefined) {
      const silent = hasAudio === false || audioActive === false;
      figure.dataset.audio = silent ? "off" : "on";
    }
    if (videoActive !== undefined || hasVideo !== undefined) {
      const dark = hasVideo === false || videoActive === false;
      figure.dataset.video = dark ? "off" : "on";
    }
    const states = [];
    // A screen has no microphone of its own: its sharer's camera tile says whether they talk.
    const isScreen = figure.classList.contains("screen");
    if (figure.dataset.audio === "off" && !isScreen) states.push("microphone off");
    if (figure.dataset.video === "off") states.push("camera off");
    figure.querySelector(".tile-state").textContent = states.length ? ` (${states.join(", ")})` : "";
    this._layout();
  }

  remove(key) {
    const figure = this._tiles.get(key);
    if (!figure) return;
    this._speaking.unwatch(key);
    const video = figure.querySelector("video");
    video.srcObject = null;
    figure.remove();
    this._tiles.delete(key);
    this._layout();
  }

  clear() {
    for (const key of [...this._tiles.keys()]) this.remove(key);
  }

  /** The tile of a key, for indicators drawn by others (connection quality). */
  tileOf(key) {
    return this._tiles.get(key) ?? null;
  }

  _layout() {
    this.stage.refresh();
  }
}
