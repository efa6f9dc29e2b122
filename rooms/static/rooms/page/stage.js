// The stage: places the grid's tiles with layout.js, in the grid or the speaker view,
// and gives each tile its pin button. The tiles' order in the page follows the order
// on the screen, so the keyboard meets them as the eye does.

import { icon } from "./controls.js";
import { chooseView, GAP, gridRects, orderTiles, speakerRects } from "./layout.js";

export class Stage extends EventTarget {
  /** @param {HTMLElement} container the grid element, whose children are the tiles */
  constructor(container) {
    super();
    this._container = container;
    /** "auto" (the grid, the speaker view when a screen is shared or a tile pinned), "grid", "speaker" */
    this.choice = "auto";
    this.pinned = null;
    this._speaker = null;
    this._view = "grid";
    this._frame = null;
    this._resize = new ResizeObserver(() => this.refresh());
    this._resize.observe(container);
  }

  /** The view on screen: "grid" or "speaker". */
  get view() {
    return this._view;
  }

  /** The person's choice from the view button: the other view than the one on screen. */
  toggleView() {
    const next = this._view === "speaker" ? "grid" : "speaker";
    this.choice = next;
    if (next === "grid") this.pinned = null;
    this.refresh();
  }

  /** Pin a tile (it is large until unpinned), or unpin it. */
  togglePin(key) {
    this.pinned = this.pinned === key ? null : key;
    if (this.pinned && this.choice === "grid") this.choice = "auto";
    this.refresh();
  }

  /** Someone started or stopped speaking: the speaker view follows the last to start. */
  speaking(key, speaking) {
    if (!speaking || key === this._speaker) return;
    this._speaker = key;
    if (this._view === "speaker" && !this.pinned) this.refresh();
  }

  /** Lay the tiles out again (tiles came or went, the stage changed size). */
  refresh() {
    const figures = [...this._container.children].filter((node) => node.matches("figure.tile"));
    const byKey = new Map(figures.map((figure) => [figure.dataset.key, figure]));
    const keys = figures.map((figure) => figure.dataset.key);
    if (this.pinned && !byKey.has(this.pinned)) this.pinned = null;
    const screens = figures.filter((figure) => figure.classList.contains("screen")).map((f) => f.dataset.key);
    const local = figures.find((figure) => figure.classList.contains("local") && !figure.classList.contains("screen"));
    const { view, featured } = chooseView({
      choice: this.choice,
      keys,
      pinned: this.pinned,
      screens,
      speaker: this._speaker,
      local: local?.dataset.key ?? null,
    });
    const owner = featured ? (byKey.get(featured)?.dataset.owner ?? null) : null;
    const order = orderTiles(keys, featured, owner);
    const box = { width: this._container.clientWidth - 2 * GAP, height: this._container.clientHeight - 2 * GAP };
    const rects = view === "speaker" ? speakerRects(order.length, box) : gridRects(order.length, box);
    order.forEach((key, index) => {
      const figure = byKey.get(key);
      // Moving a playing <video> within one task does not pause it.
      if (this._container.children[index] !== figure)
        this._container.insertBefore(figure, this._container.children[index]);
      const rect = rects[index];
      figure.style.setProperty("left", `${rect.x + GAP}px`);
      figure.style.setProperty("top", `${rect.y + GAP}px`);
      figure.style.setProperty("width", `${rect.width}px`);
      figure.style.setProperty("height", `${rect.height}px`);
      figure.classList.toggle("featured", key === featured);
      this._pinButton(figure, key);
    });
    this._container.dataset.view = view;
    this._container.dataset.count = String(order.length);
    if (view !== this._view) {
      this._view = view;
      this.dispatchEvent(new CustomEvent("viewChanged", { detail: { view } }));
    }
  }

  close() {
    this._resize.disconnect();
  }

  _pinButton(figure, key) {
    let button = figure.querySelector("button.tile-pin");
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "tile-pin icon-button small";
      button.append(icon("pin"));
      button.addEventListener("click", () => this.togglePin(figure.dataset.key));
      figure.append(button);
    }
    const who = figure.getAttribute("aria-label") || "this tile";
    const pinned = this.pinned === key;
    // One name, the state in aria-pressed (a screen reader says "pressed" when pinned).
    button.setAttribute("aria-label", `Pin ${who}`);
    button.dataset.tip = pinned ? "Unpin" : "Pin: keep it large";
    button.setAttribute("aria-pressed", String(pinned));
  }
}
