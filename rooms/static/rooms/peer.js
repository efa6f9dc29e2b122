// One RTCPeerConnection with the server: a publication (browser → server) or a
// subscription (server → browser). The browser always offers; the server answers with
// all its candidates in the SDP, and the browser trickles its own with onIceCandidate.

/**
 * joinRoom's `customIceServers` ([{url, username?, credential?}]) as RTCIceServer
 * entries. An empty list means no STUN or TURN server at all: never a public fallback.
 * @param {unknown} custom
 * @returns {RTCIceServer[]}
 */
export function iceServersFrom(custom) {
  if (!Array.isArray(custom)) return [];
  const servers = [];
  for (const entry of custom) {
    const urls = entry?.urls ?? entry?.url;
    if (!urls) continue;
    const server = { urls };
    if (entry.username) server.username = entry.username;
    if (entry.credential) server.credential = entry.credential;
    servers.push(server);
  }
  return servers;
}

export class MediaPeer {
  /**
   * @param {object} options
   * @param {RTCIceServer[]} options.iceServers
   * @param {(candidate: {candidate: string, sdpMid: string|null, sdpMLineIndex: number|null}) => void} options.sendCandidate
   *   trickles a local candidate to the server; an empty `candidate` ends the list
   * @param {() => void} [options.onFailed] called once if the connection fails
   */
  constructor({ iceServers, sendCandidate, onFailed }) {
    this.pc = new RTCPeerConnection({ iceServers });
    this.closed = false;
    this._sendCandidate = sendCandidate;
    // The server has no endpoint for our candidates until it answered: they wait here.
    this._answered = false;
    this._outbox = [];
    this._remoteInbox = [];
    this._ended = false;
    this.pc.onicecandidate = (event) => this._onLocalCandidate(event.candidate);
    this.pc.onconnectionstatechange = () => {
      if (!this.closed && this.pc.connectionState === "failed" && onFailed) {
        onFailed();
      }
    };
  }

  /** Create the offer and set it as the local description; returns its SDP. */
  async offer() {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    return this.pc.localDescription.sdp;
  }

  /** Apply the server's answer, then send the candidates that waited for it. */
  async accept(sdpAnswer) {
    await this.pc.setRemoteDescription({ type: "answer", sdp: sdpAnswer });
    this._answered = true;
    for (const candidate of this._outbox.splice(0)) this._sendCandidate(candidate);
    for (const candidate of this._remoteInbox.splice(0)) await this._addRemote(candidate);
  }

  /** A candidate the server trickled (iceCandidate notification). */
  async addRemoteCandidate(candidate) {
    if (this.closed) return;
    if (!this.pc.remoteDescription) {
      this._remoteInbox.push(candidate);
      return;
    }
    await this._addRemote(candidate);
  }

  async _addRemote({ candidate, sdpMid, sdpMLineIndex }) {
    try {
      await this.pc.addIceCandidate({ candidate, sdpMid, sdpMLineIndex });
    } catch (error) {
      console.warn("rooms: the server's ICE candidate was refused", error);
    }
  }

  _onLocalCandidate(candidate) {
    if (this.closed) return;
    let message;
    if (candidate && candidate.candidate) {
      message = {
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid,
        sdpMLineIndex: candidate.sdpMLineIndex,
      };
    } else {
      // End of candidates: the server may then give up on a pair that cannot work.
      if (this._ended) return;
      this._ended = true;
      message = { candidate: "", sdpMid: null, sdpMLineIndex: null };
    }
    if (this._answered) this._sendCandidate(message);
    else this._outbox.push(message);
  }

  /** Close the connection and end the tracks it received (not the ones it sent). */
  close() {
    if (this.closed) return;
    this.closed = true;
    this._outbox = [];
    this._remoteInbox = [];
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.ontrack = null;
    for (const receiver of this.pc.getReceivers()) receiver.track?.stop();
    this.pc.close();
  }
}
