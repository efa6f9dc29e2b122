// The room's recording: the "● Recording" indicator everyone sees, and the owner's
// Start/Stop recording button (POST /rooms/<name>/recording).

export class RecordingControl {
  /**
   * @param {{recordingUrl?: string|null, csrfToken: string}} config
   * @param {(text: string) => void} showAlert says in words why the button failed
   */
  constructor(config, showAlert) {
    this._config = config;
    this._showAlert = showAlert;
    this._indicator = document.querySelector("#recording-indicator");
    this._button = document.querySelector("#toggle-recording");
    this._recording = false;
    this._busy = false;
    this._onClick = () => this._toggle();
    this._button?.addEventListener("click", this._onClick);
    this.show(false);
  }

  /** The room is (or is no longer) being recorded. */
  show(recording) {
    this._recording = recording;
    this._indicator.hidden = !recording;
    if (!this._button) return;
    this._button.textContent = recording ? "Stop recording" : "Start recording";
    this._button.setAttribute("aria-pressed", String(recording));
    this._button.disabled = this._busy;
  }

  detach() {
    this._button?.removeEventListener("click", this._onClick);
    this._busy = false;
    this.show(false);
  }

  async _toggle() {
    if (this._busy || !this._config.recordingUrl) return;
    this._busy = true;
    this.show(this._recording);
    const action = this._recording ? "stop" : "start";
    try {
      const response = await fetch(this._config.recordingUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": this._config.csrfToken, "Content-Type": "application/json" },
        body: JSON.stringify({ action }),
      });
      let body = null;
      try {
        body = await response.json();
      } catch {
        // Django's own error pages (CSRF, 500) are HTML.
      }
      if (response.ok && body) {
        this._busy = false;
        this.show(Boolean(body.recording));
        return;
      }
      const reason = body?.error ?? `error ${response.status}`;
      this._showAlert(`The recording could not be ${action === "start" ? "started" : "stopped"}: ${reason}`);
    } catch {
      this._showAlert("The server cannot be reached. Check your connection and try again.");
    }
    this._busy = false;
    this.show(this._recording);
  }
}
