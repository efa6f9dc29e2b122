// The "More controls" button of a phone's bar. At most seven buttons fit in one row at
// 360 px, so the ones used less often in a call (screen, recording, view, settings) are
// marked `.more` and shown only on demand, as a row above the others (rooms.css), until it is pressed again (the
// row stays while one of its buttons is used, so a dialog gives the focus back to it); on a
// wider screen the button is not shown and they are always there.

export class MoreControls {
  /**
   * @param {HTMLButtonElement|null} button
   * @param {HTMLElement} bar the call's control bar
   */
  constructor(button, bar) {
    this._button = button;
    this._bar = bar;
    if (!button) return;
    this._onClick = () => this.show(!this.isOpen);
    // Escape from any button of the row closes it, the focus back on "More controls".
    this._onKey = (event) => {
      if (event.key !== "Escape" || !this.isOpen) return;
      if (!event.target.closest?.(".more")) return;
      event.preventDefault();
      this.show(false);
      button.focus();
    };
    button.addEventListener("click", this._onClick);
    bar.addEventListener("keydown", this._onKey);
    this.show(false);
  }

  get isOpen() {
    return this._bar.classList.contains("more-open");
  }

  show(open) {
    if (!this._button) return;
    this._bar.classList.toggle("more-open", open);
    this._button.setAttribute("aria-expanded", String(open));
  }

  close() {
    if (!this._button) return;
    this.show(false);
    this._button.removeEventListener("click", this._onClick);
    this._bar.removeEventListener("keydown", this._onKey);
  }
}
