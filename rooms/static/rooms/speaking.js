// Who is speaking: one WebAudio analyser per audio track, all on one AudioContext,
// read on a timer. A timer rather than requestAnimationFrame, which stops entirely in a
// background tab; the hold time keeps the indicator from flickering between words.

export class SpeakingDetector {
  /**
   * @param {object} [options]
   * @param {number} [options.threshold] RMS level (0..1) above which a frame is speech
   * @param {number} [options.intervalMs] how often levels are read
   * @param {number} [options.holdMs] how long "speaking" lasts after the last loud frame
   */
  constructor({ threshold = 0.015, intervalMs = 100, holdMs = 500 } = {}) {
    this._threshold = threshold;
    this._intervalMs = intervalMs;
    this._holdMs = holdMs;
    this._context = null;
    this._timer = null;
    /** @type {Map<string, object>} */
    this._watched = new Map();
  }

  /**
   * Call `onChange(speaking)` whenever the audio of `mediaStream` starts or stops being
   * speech. Watching a key again replaces what it watched.
   * @param {string} key
   * @param {MediaStream} mediaStream
   * @param {(speaking: boolean) => void} onChange
   */
  watch(key, mediaStream, onChange) {
    this.unwatch(key);
    const [track] = mediaStream.getAudioTracks();
    if (!track) return;
    if (!this._context) this._context = new AudioContext();
    // Created outside a click, a context starts suspended; joining was a click.
    this._context.resume().catch(() => {});
    const source = this._context.createMediaStreamSource(new MediaStream([track]));
    const analyser = this._context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    this._watched.set(key, {
      source,
      analyser,
      samples: new Float32Array(analyser.fftSize),
      lastLoud: 0,
      speaking: false,
      onChange,
    });
    if (this._timer === null) this._timer = setInterval(() => this._measure(), this._intervalMs);
  }

  unwatch(key) {
    const entry = this._watched.get(key);
    if (!entry) return;
    entry.source.disconnect();
    this._watched.delete(key);
    if (entry.speaking) entry.onChange(false);
    if (this._watched.size === 0 && this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
  }

  /** Stop watching everything and release the audio context. */
  close() {
    for (const key of [...this._watched.keys()]) this.unwatch(key);
    this._context?.close().catch(() => {});
    this._context = null;
  }

  _measure() {
    const now = performance.now();
    for (const entry of this._watched.values()) {
      entry.analyser.getFloatTimeDomainData(entry.samples);
      let sum = 0;
      for (const sample of entry.samples) sum += sample * sample;
      const level = Math.sqrt(sum / entry.samples.length);
      if (level > this._threshold) entry.lastLoud = now;
      const speaking = now - entry.lastLoud < this._holdMs;
      if (speaking !== entry.speaking) {
        entry.speaking = speaking;
        entry.onChange(speaking);
      }
    }
  }
}
