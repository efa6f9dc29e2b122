// Connection quality per tile, from the peer connections' getStats: packet loss, round
// trip time and frames, read every few seconds as differences since the last reading
// (the counters only grow). A peer connection that lost its path says "reconnecting".

const INTERVAL_MS = 2000;

/**
 * How good a connection is, in words a tile can show.
 * @param {{loss: number|null, rtt: number|null, fps: number|null, expectVideo: boolean}} figures
 *   loss as a fraction (0..1), rtt in seconds, fps as decoded (or sent) frames a second
 * @returns {"good"|"fair"|"poor"|"unknown"}
 */
export function grade({ loss, rtt, fps, expectVideo }) {
  if (loss === null && rtt === null && fps === null) return "unknown";
  const frozen = expectVideo && fps !== null && fps < 2;
  if (frozen || (loss ?? 0) > 0.1 || (rtt ?? 0) > 0.8) return "poor";
  if ((loss ?? 0) > 0.02 || (rtt ?? 0) > 0.3 || (expectVideo && fps !== null && fps < 10)) return "fair";
  return "good";
}

const WORDS = {
  good: "good connection",
  fair: "unsteady connection",
  poor: "poor connection",
  unknown: "",
};

/**
 * The figures of one reading against the previous one.
 * @param {RTCStatsReport} report
 * @param {object|null} previous what this function returned last time (its `counters`)
 * @param {number} now milliseconds
 */
export function readStats(report, previous, now) {
  let received = 0;
  let lost = 0;
  let frames = 0;
  let sentFrames = 0;
  let remoteLoss = null;
  let rtt = null;
  for (const stats of report.values()) {
    if (stats.type === "inbound-rtp") {
      received += stats.packetsReceived ?? 0;
      lost += Math.max(0, stats.packetsLost ?? 0);
      if (stats.kind === "video") frames += stats.framesDecoded ?? 0;
    } else if (stats.type === "outbound-rtp" && stats.kind === "video") {
      sentFrames += stats.framesEncoded ?? 0;
    } else if (stats.type === "remote-inbound-rtp") {
      // What the server saw of what we send.
      if (typeof stats.fractionLost === "number") remoteLoss = Math.max(remoteLoss ?? 0, stats.fractionLost);
      if (typeof stats.roundTripTime === "number") rtt = Math.max(rtt ?? 0, stats.roundTripTime);
    } else if (stats.type === "candidate-pair" && stats.nominated && stats.state === "succeeded") {
      if (typeof stats.currentRoundTripTime === "number") rtt = stats.currentRoundTripTime;
    }
  }
  const counters = { received, lost, frames: frames + sentFrames, at: now };
  if (!previous) return { counters, loss: remoteLoss, rtt, fps: null };
  const seconds = (now - previous.at) / 1000;
  const newPackets = received - previous.received + (lost - previous.lost);
  const loss = newPackets > 0 ? (lost - previous.lost) / newPackets : remoteLoss;
  const fps = seconds > 0 ? (counters.frames - previous.frames) / seconds : null;
  return { counters, loss, rtt, fps };
}

export class QualityWatcher {
  /**
   * @param {() => Iterable<{key: string, pc: RTCPeerConnection|null, expectVideo: boolean}>} peers
   *   what to watch, asked again at every reading
   * @param {(key: string) => HTMLElement|null} tileOf
   */
  constructor(peers, tileOf) {
    this._peers = peers;
    this._tileOf = tileOf;
    /** @type {Map<string, {pc: RTCPeerConnection, counters: object}>} */
    this._last = new Map();
    this._reading = false;
    this._timer = setInterval(() => this._read(), INTERVAL_MS);
  }

  close() {
    clearInterval(this._timer);
    this._last.clear();
  }

  async _read() {
    // A slow getStats must not pile readings up.
    if (this._reading) return;
    this._reading = true;
    try {
      const seen = new Set();
      for (const { key, pc, expectVideo } of this._peers()) {
        seen.add(key);
        const tile = this._tileOf(key);
        if (!tile || !pc) continue;
        const state = pc.connectionState;
        // "disconnected" is ICE looking for its path again; "failed" is the client
        // renegotiating it (docs/client.md, Reconnection).
        const reconnecting = state === "disconnected" || state === "failed";
        this._show(tile, reconnecting ? "poor" : null, reconnecting);
        if (reconnecting || state !== "connected") continue;
        let report;
        try {
          report = await pc.getStats();
        } catch {
          continue; // closed meanwhile
        }
        const last = this._last.get(key);
        const previous = last?.pc === pc ? last.counters : null;
        const figures = readStats(report, previous, performance.now());
        this._last.set(key, { pc, counters: figures.counters });
        if (previous) this._show(tile, grade({ ...figures, expectVideo }), false, figures);
      }
      for (const key of [...this._last.keys()]) if (!seen.has(key)) this._last.delete(key);
    } finally {
      this._reading = false;
    }
  }

  _show(tile, quality, reconnecting, figures = null) {
    tile.dataset.reconnecting = String(reconnecting);
    if (quality) tile.dataset.quality = quality;
    const words = tile.querySelector(".tile-quality");
    if (!words) return;
    words.textContent = reconnecting ? "reconnecting" : (WORDS[tile.dataset.quality] ?? "");
    if (figures) {
      const parts = [];
      if (figures.loss !== null) parts.push(`${(figures.loss * 100).toFixed(1)}% lost`);
      if (figures.rtt !== null) parts.push(`${Math.round(figures.rtt * 1000)} ms round trip`);
      if (figures.fps !== null) parts.push(`${Math.round(figures.fps)} frames/s`);
      words.parentElement.title = parts.join(", ");
      tile.dataset.fps = figures.fps === null ? "" : String(Math.round(figures.fps));
    }
  }
}
