// A browser client for OpenVidu 2.32's signaling protocol, as this server speaks it
// (docs/client.md has the guide). One Session is one participant (one connection): it
// joins with a token, publishes at most one stream, receives everyone else's streams,
// sends signals, and reconnects its socket by itself when the network drops.
//
//   const session = new Session();
//   session.addEventListener("streamSubscribed", (e) => show(e.detail.stream));
//   await session.connect(token, { clientData: JSON.stringify({ clientData: "Ana" }) });
//   await session.publish(await navigator.mediaDevices.getUserMedia({ audio: true, video: true }));

import { JsonRpcSocket, RpcError } from "./jsonrpc.js";
import { MediaPeer, iceServersFrom } from "./peer.js";
import { parseToken } from "./token.js";

export { RpcError } from "./jsonrpc.js";
export { parseToken } from "./token.js";

export const SDK_VERSION = "2.32.2";
const METADATA_SEPARATOR = "%/%";
// OpenVidu's codes that mean something to a person (docs/protocol.md).
const USER_UNAUTHORIZED = 401;
const ROOM_NOT_FOUND = 202;
const ROOM_CLOSED = 203;
const USER_NOT_STREAMING = 105;
const RECONNECTION_ERROR = 40007;
// How often a publication or subscription whose ICE failed is renegotiated before it
// is given up; a path that fails again and again will not be saved by a fourth try.
const MAX_MEDIA_RECOVERIES = 3;

/**
 * A failure with a stable `reason` a page can turn into words:
 * "invalid-token", "room-closed", "room-not-found", "unauthorized", "unreachable",
 * "timeout", "connection-lost", "not-connected", "already-publishing", "no-media",
 * "server", "client". `code` is the server's JSON-RPC code when there is one.
 */
export class RoomsError extends Error {
  constructor(reason, message, code = null) {
    super(message);
    this.name = "RoomsError";
    this.reason = reason;
    this.code = code;
  }
}

function toRoomsError(error) {
  if (error instanceof RoomsError) return error;
  if (error instanceof RpcError) {
    const reasons = {
      [USER_UNAUTHORIZED]: "unauthorized",
      [ROOM_NOT_FOUND]: "room-not-found",
      [ROOM_CLOSED]: "room-closed",
      timeout: "timeout",
      closed: "connection-lost",
      unreachable: "unreachable",
    };
    return new RoomsError(reasons[error.code] ?? "server", error.message, error.code);
  }
  return new RoomsError("client", error?.message ?? String(error));
}

/**
 * Split OpenVidu's connection metadata: "<clientData>%/%<serverData>" when both parts
 * are set, otherwise only the part that is set (or ""). Without a separator the text
 * is taken as the client's, never as server data. The split is at the LAST separator:
 * the client's part is whatever a participant typed, and must not be able to forge the
 * server's part (this site's server data never contains a "%", and the server refuses
 * a separator in the client data of a seat that has no server data).
 */
export function splitMetadata(metadata) {
  const text = typeof metadata === "string" ? metadata : "";
  const at = text.lastIndexOf(METADATA_SEPARATOR);
  if (at < 0) return { clientData: text, serverData: "" };
  return {
    clientData: text.slice(0, at),
    serverData: text.slice(at + METADATA_SEPARATOR.length),
  };
}

/** A participant: the local one (`local: true`) or another one in the room. */
export class Connection {
  constructor({ connectionId, createdAt, metadata, local = false, role = null }) {
    const { clientData, serverData } = splitMetadata(metadata);
    this.connectionId = connectionId;
    this.createdAt = createdAt;
    this.clientData = clientData;
    this.serverData = serverData;
    this.local = local;
    /** Known for the local connection only: the server tells no one else's role. */
    this.role = role;
    /** @type {Stream|null} the one stream this connection publishes */
    this.stream = null;
  }
}

/** A published stream: the local publisher's, or another participant's. */
export class Stream {
  constructor(connection, properties, local = false) {
    this.connection = connection;
    this.local = local;
    this.streamId = properties.id ?? null;
    this.createdAt = properties.createdAt ?? null;
    this.hasAudio = Boolean(properties.hasAudio);
    this.hasVideo = Boolean(properties.hasVideo);
    this.audioActive = properties.audioActive ?? true;
    this.videoActive = properties.videoActive ?? true;
    this.typeOfVideo = properties.typeOfVideo ?? (this.hasVideo ? "CAMERA" : null);
    this.frameRate = properties.frameRate ?? -1;
    this.videoDimensions = parseDimensions(properties.videoDimensions);
    /** @type {MediaStream|null} what plays: the local capture, or what was received */
    this.mediaStream = null;
  }
}

function parseDimensions(value) {
  // The server sends a JSON string, and in streamPropertyChanged a JSON string of it.
  let parsed = value;
  for (let depth = 0; depth < 2 && typeof parsed === "string"; depth += 1) {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return null;
    }
  }
  return parsed && typeof parsed === "object" ? parsed : null;
}

function parseBoolean(value) {
  // streamPropertyChanged notifications carry "true"/"false" strings.
  if (typeof value === "boolean") return value;
  return value === "true";
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function platformName() {
  const brands = navigator.userAgentData?.brands?.map((brand) => brand.brand).join(", ");
  return brands ? `${brands} (${navigator.userAgentData.platform})` : navigator.userAgent;
}

export class Session extends EventTarget {
  /**
   * @param {object} [options]
   * @param {(stream: Stream) => boolean} [options.subscribeTo] which remote streams to
   *   receive; all by default (a screen-sharing connection receives none)
   * @param {number} [options.pingIntervalMs] 5000, as openvidu-browser
   * @param {number} [options.reconnectForMs] how long to try to get a dropped socket back
   * @param {number} [options.requestTimeoutMs]
   */
  constructor({
    subscribeTo = () => true,
    pingIntervalMs = 5000,
    reconnectForMs = 15000,
    requestTimeoutMs = 15000,
  } = {}) {
    super();
    this._subscribeTo = subscribeTo;
    this._pingIntervalMs = pingIntervalMs;
    this._reconnectForMs = reconnectForMs;
    this._requestTimeoutMs = requestTimeoutMs;
    /** "disconnected" | "connecting" | "connected" | "reconnecting" */
    this.state = "disconnected";
    /** @type {Connection|null} */
    this.connection = null;
    /** @type {Map<string, Connection>} */
    this.remoteConnections = new Map();
    /** @type {Stream|null} */
    this.publisher = null;
    this.sessionId = null;
    /** @type {{id: string, name: string}|null} the recording in progress, if any */
    this.recording = null;
    this._publisherPeer = null;
    this._publishing = null;
    /** @type {Map<string, {stream: Stream, peer: MediaPeer}>} by publisher connection id */
    this._subscriptions = new Map();
    this._recoveries = new Map();
    this._rpc = null;
    this._candidateSocket = null;
    this._rpcSessionId = null;
    this._signalingUrl = null;
    this._iceServers = [];
    this._nextId = 0;
    this._pingTimer = null;
  }

  // Joining and leaving.

  /**
   * Join the room a token invites to. Resolves with the local Connection; rejects with a
   * RoomsError ("invalid-token" when the token is unknown or used, "room-closed",
   * "unreachable", ...), having closed everything it opened.
   * @param {string} token
   * @param {{clientData?: string, platform?: string}} [options]
   */
  async connect(token, { clientData = "", platform = platformName() } = {}) {
    if (this.state !== "disconnected") {
      throw new RoomsError("client", "This session is already connected or connecting");
    }
    let parsed;
    try {
      parsed = parseToken(token);
    } catch (error) {
      throw new RoomsError("invalid-token", error.message);
    }
    this._signalingUrl = parsed.signalingUrl;
    this._setState("connecting");
    try {
      this._rpc = await this._openSocket(parsed.signalingUrl(false), 10000);
      this._startPings();
      const result = await this._rpc.request(
        "joinRoom",
        {
          token,
          session: parsed.sessionId,
          platform,
          sdkVersion: SDK_VERSION,
          metadata: clientData,
          secret: "",
          recorder: false,
          stt: false,
        },
        { timeoutMs: this._requestTimeoutMs },
      );
      this._joined(result);
    } catch (error) {
      this._teardown(null);
      const failure = toRoomsError(error);
      if (failure.code === USER_UNAUTHORIZED) failure.reason = "invalid-token";
      throw failure;
    }
    // Everyone already in the room, as if they had just arrived.
    for (const connection of this.remoteConnections.values()) {
      this._emit("connectionCreated", { connection });
      if (connection.stream) this._streamArrived(connection.stream);
    }
    // A recording already in progress, as if it had just started.
    if (this.recording) this._emit("recordingStarted", { ...this.recording });
    return this.connection;
  }

  _joined(result) {
    this._rpcSessionId = result.sessionId;
    this.sessionId = result.session;
    this._iceServers = iceServersFrom(result.customIceServers);
    this.connection = new Connection({
      connectionId: result.id,
      createdAt: result.createdAt,
      metadata: result.metadata,
      local: true,
      role: result.role,
    });
    for (const peer of result.value ?? []) {
      const connection = new Connection({
        connectionId: peer.id,
        createdAt: peer.createdAt,
        metadata: peer.metadata,
      });
      const [stream] = peer.streams ?? [];
      if (stream) connection.stream = new Stream(connection, stream);
      this.remoteConnections.set(connection.connectionId, connection);
    }
    this.recording = result.recordingId
      ? { id: result.recordingId, name: result.recordingName ?? result.recordingId }
      : null;
    this._setState("connected");
  }

  /**
   * Leave the room: tells the server, then closes every peer connection, the published
   * tracks and the socket. `wait: false` sends leaveRoom without waiting for its answer
   * (for `pagehide`, when nothing can be awaited).
   */
  async disconnect({ wait = true } = {}) {
    if (this.state === "disconnected") return;
    const socket = this._rpc;
    if (this.state === "connected" && socket?.isOpen && this.connection) {
      if (wait) {
        try {
          await socket.request("leaveRoom", {}, { timeoutMs: 3000 });
        } catch {
          // Leaving anyway: the server evicts a silent participant after its grace period.
        }
      } else {
        socket.requestAndForget("leaveRoom", {});
      }
    }
    this._teardown("disconnect");
  }

  // Publishing.

  /**
   * Publish a stream (one per session: a second camera or a screen needs a second
   * Session with a token of its own). From then on the session owns the tracks: it
   * stops them when the stream ends. If publish rejects, they are still the caller's.
   * @param {MediaStream} mediaStream
   * @param {{typeOfVideo?: string, audioActive?: boolean, videoActive?: boolean}} [options]
   * @returns {Promise<Stream>}
   */
  async publish(mediaStream, { typeOfVideo = "CAMERA", audioActive = true, videoActive = true } = {}) {
    this._requireConnected();
    if (this.publisher || this._publishing) {
      throw new RoomsError("already-publishing", "This session already publishes a stream");
    }
    const audio = mediaStream.getAudioTracks()[0] ?? null;
    const video = mediaStream.getVideoTracks()[0] ?? null;
    if (!audio && !video) {
      throw new RoomsError("no-media", "Nothing to publish: no audio or video track");
    }
    const settings = video?.getSettings() ?? {};
    const stream = new Stream(
      this.connection,
      {
        hasAudio: Boolean(audio),
        hasVideo: Boolean(video),
        audioActive: Boolean(audio) && audioActive,
        videoActive: Boolean(video) && videoActive,
        typeOfVideo: video ? typeOfVideo : null,
        frameRate: settings.frameRate ? Math.round(settings.frameRate) : -1,
        videoDimensions: video ? JSON.stringify({ width: settings.width ?? 0, height: settings.height ?? 0 }) : "",
      },
      true,
    );
    stream.mediaStream = mediaStream;
    const peer = this._newPeer(this.connection.connectionId, () => this._recoverPublisher());
    this._publishing = { stream, peer };
    let answered = false;
    try {
      if (audio) audio.enabled = stream.audioActive;
      if (video) video.enabled = stream.videoActive;
      for (const track of [audio, video]) {
        if (track) peer.pc.addTransceiver(track, { direction: "sendonly", streams: [mediaStream] });
      }
      const sdpOffer = await peer.offer();
      const result = await this._request("publishVideo", {
        sdpOffer,
        doLoopback: false,
        hasAudio: stream.hasAudio,
        hasVideo: stream.hasVideo,
        audioActive: stream.audioActive,
        videoActive: stream.videoActive,
        typeOfVideo: stream.typeOfVideo ?? "CAMERA",
        frameRate: stream.frameRate,
        videoDimensions: video ? JSON.stringify({ width: settings.width ?? 0, height: settings.height ?? 0 }) : "",
      });
      answered = true;
      if (peer.closed) throw new RoomsError("connection-lost", "The session ended while publishing");
      await peer.accept(result.sdpAnswer);
      stream.streamId = result.id;
      stream.createdAt = result.createdAt;
      this.publisher = stream;
      this._publisherPeer = peer;
      this.connection.stream = stream;
      return stream;
    } catch (error) {
      peer.close();
      // The server made a publication we cannot use: take it back.
      if (answered && this.state === "connected") {
        this._request("unpublishVideo", {}).catch(() => {});
      }
      throw toRoomsError(error);
    } finally {
      this._publishing = null;
    }
  }

  /** Stop publishing: the peer connection closes and the published tracks stop. */
  async unpublish() {
    const stream = this.publisher;
    if (!stream) return;
    this._closePublisher();
    try {
      await this._request("unpublishVideo", {});
    } catch (error) {
      if (toRoomsError(error).code !== USER_NOT_STREAMING) throw toRoomsError(error);
    } finally {
      this._emit("streamDestroyed", { stream, reason: "unpublish" });
    }
  }

  /**
   * Send another camera or microphone in place of the published one (RTCRtpSender
   * replaceTrack: no renegotiation, the others' video goes on). The new track takes
   * the old one's muted/off state; the old one is stopped. Rejects with "no-media"
   * when nothing of that kind is published (adding a kind needs a new publication).
   * @param {MediaStreamTrack} track
   */
  async replaceTrack(track) {
    const stream = this.publisher;
    const pc = this._publisherPeer?.pc;
    const sender = pc?.getSenders().find((candidate) => candidate.track?.kind === track.kind);
    if (!stream || !sender) throw new RoomsError("no-media", `No ${track.kind} is published`);
    const old = sender.track;
    track.enabled = old.enabled;
    await sender.replaceTrack(track);
    stream.mediaStream.removeTrack(old);
    stream.mediaStream.addTrack(track);
    old.stop();
  }

  /**
   * The RTCPeerConnection that carries a stream: our publication, or the subscription
   * to someone's stream; null when there is none (yet). For getStats.
   * @param {Stream} stream
   */
  peerConnectionOf(stream) {
    if (stream.local) return stream === this.publisher ? (this._publisherPeer?.pc ?? null) : null;
    const entry = this._subscriptions.get(stream.connection.connectionId);
    return entry?.stream === stream ? entry.peer.pc : null;
  }

  /** Mute or unmute the published microphone, and tell the others. */
  setAudioActive(active) {
    return this._setActive("audio", "audioActive", "publishAudio", active);
  }

  /** Turn the published camera (or screen) on or off, and tell the others. */
  setVideoActive(active) {
    return this._setActive("video", "videoActive", "publishVideo", active);
  }

  async _setActive(kind, property, reason, active) {
    const stream = this.publisher;
    if (!stream) throw new RoomsError("no-media", "Nothing is published");
    const tracks = kind === "audio" ? stream.mediaStream.getAudioTracks() : stream.mediaStream.getVideoTracks();
    if (tracks.length === 0) throw new RoomsError("no-media", `The stream has no ${kind}`);
    // The media changes at once, whatever the server says: a muted microphone is muted.
    for (const track of tracks) track.enabled = active;
    const oldValue = stream[property];
    stream[property] = active;
    this._emit("streamPropertyChanged", { stream, property, newValue: active, oldValue, reason });
    await this._request("streamPropertyChanged", {
      streamId: stream.streamId,
      property,
      newValue: active,
      reason,
    });
  }

  // Signals and moderation.

  /**
   * Send a signal to some participants, or to everyone (the sender included) when `to`
   * is empty. `type` is the part after "signal:".
   * @param {{type?: string, data?: string, to?: Array<string|Connection>}} signal
   */
  async signal({ type = "", data = "", to = [] } = {}) {
    const message = {
      to: to.map((each) => (typeof each === "string" ? each : each.connectionId)),
      data: String(data),
      type: type ? `signal:${type}` : "signal",
    };
    await this._request("sendMessage", { message: JSON.stringify(message) });
  }

  /** MODERATOR only: evict a participant. */
  async forceDisconnect(connection) {
    const connectionId = typeof connection === "string" ? connection : connection.connectionId;
    await this._request("forceDisconnect", { connectionId });
  }

  /** MODERATOR only: stop a participant's stream. */
  async forceUnpublish(stream) {
    const streamId = typeof stream === "string" ? stream : stream.streamId;
    await this._request("forceUnpublish", { streamId });
  }

  // The socket: opening, pings, reconnection.

  async _openSocket(url, timeoutMs) {
    const socket = await JsonRpcSocket.open(url, {
      nextId: () => this._nextId++,
      timeoutMs,
    });
    socket.addEventListener("notification", (event) => {
      if (socket === this._rpc) this._onNotification(event.detail.method, event.detail.params);
    });
    socket.addEventListener("close", (event) => {
      if (!event.detail.byUs) this._socketLost(socket);
    });
    return socket;
  }

  _startPings() {
    this._stopPings();
    let first = true;
    const ping = () => {
      const socket = this._rpc;
      if (!socket?.isOpen) return;
      // The first ping tells the server how often to expect them (docs/protocol.md).
      const params = first ? { interval: this._pingIntervalMs } : {};
      first = false;
      socket.request("ping", params, { timeoutMs: 2 * this._pingIntervalMs }).catch((error) => {
        // A socket that stops answering may never report its close: treat it as lost.
        if (error.code === "timeout" && socket === this._rpc) {
          socket.close(4000, "ping timeout");
          this._socketLost(socket);
        }
      });
    };
    ping();
    this._pingTimer = setInterval(ping, this._pingIntervalMs);
  }

  _stopPings() {
    if (this._pingTimer !== null) clearInterval(this._pingTimer);
    this._pingTimer = null;
  }

  _socketLost(socket) {
    if (socket !== this._rpc || this.state !== "connected") return;
    this._reconnect();
  }

  async _reconnect() {
    this._stopPings();
    this._setState("reconnecting");
    this._emit("reconnecting", {});
    const deadline = Date.now() + this._reconnectForMs;
    let delay = 250;
    while (this.state === "reconnecting") {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      let socket = null;
      try {
        socket = await this._openSocket(this._signalingUrl(true), Math.min(5000, remaining));
        // Known to _teardown, which closes it if the session ends meanwhile.
        this._candidateSocket = socket;
        await socket.request(
          "connect",
          { sessionId: this._rpcSessionId, reconnect: true },
          { timeoutMs: Math.min(5000, Math.max(1000, deadline - Date.now())) },
        );
        if (this.state !== "reconnecting") {
          socket.close();
          return;
        }
        const old = this._rpc;
        this._rpc = socket;
        this._candidateSocket = null;
        old?.close();
        this._setState("connected");
        this._startPings();
        this._emit("reconnected", {});
        return;
      } catch (error) {
        socket?.close();
        if (this._candidateSocket === socket) this._candidateSocket = null;
        // The server has already given our seat away: no point in trying again.
        if (error.code === RECONNECTION_ERROR) break;
      }
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      delay = Math.min(delay * 2, 2000);
    }
    if (this.state === "reconnecting") this._teardown("networkDisconnect");
  }

  _waitUntilConnected() {
    if (this.state === "connected") return Promise.resolve();
    if (this.state !== "reconnecting") {
      return Promise.reject(new RoomsError("not-connected", "Not in the room"));
    }
    return new Promise((resolve, reject) => {
      const onState = () => {
        if (this.state === "connected") resolve();
        else if (this.state === "disconnected") {
          reject(new RoomsError("not-connected", "Not in the room"));
        } else return;
        this.removeEventListener("stateChanged", onState);
      };
      this.addEventListener("stateChanged", onState);
    });
  }

  // What the server tells us.

  _onNotification(method, params) {
    switch (method) {
      case "participantJoined":
        return this._participantJoined(params);
      case "participantPublished":
        return this._participantPublished(params);
      case "participantUnpublished":
        return this._participantUnpublished(params);
      case "participantLeft":
        return this._participantGone(params.connectionId, params.reason);
      case "participantEvicted":
        if (params.connectionId === this.connection?.connectionId) {
          return this._teardown(params.reason || "forceDisconnectByServer");
        }
        return this._participantGone(params.connectionId, params.reason);
      case "sendMessage":
        return this._signalReceived(params);
      case "streamPropertyChanged":
        return this._streamPropertyChanged(params);
      case "iceCandidate":
        return this._iceCandidate(params);
      case "recordingStarted":
        this.recording = { id: params.id, name: params.name };
        return this._emit(method, { ...params });
      case "recordingStopped":
        this.recording = null;
        return this._emit(method, { ...params });
      case "mediaError":
        return this._emit("exception", { name: "mediaError", message: String(params.error) });
      default:
        return undefined; // notifications this client has no use for
    }
  }

  _participantJoined(params) {
    if (this.remoteConnections.has(params.id)) return;
    const connection = new Connection({
      connectionId: params.id,
      createdAt: params.createdAt,
      metadata: params.metadata,
    });
    this.remoteConnections.set(connection.connectionId, connection);
    this._emit("connectionCreated", { connection });
  }

  _participantPublished(params) {
    const [properties] = params.streams ?? [];
    if (!properties) return;
    let connection = this.remoteConnections.get(params.id);
    if (!connection) {
      // Joined while our socket was down (nothing is replayed): better nameless than unseen.
      this._participantJoined({ id: params.id, createdAt: properties.createdAt, metadata: "" });
      connection = this.remoteConnections.get(params.id);
    }
    if (connection.stream) this._destroyStream(connection.stream, "unpublish");
    connection.stream = new Stream(connection, properties);
    this._streamArrived(connection.stream);
  }

  _streamArrived(stream) {
    this._emit("streamCreated", { stream });
    if (this._subscribeTo(stream)) this._subscribe(stream, "receiveVideoFrom");
  }

  _participantUnpublished({ connectionId, reason }) {
    if (connectionId === this.connection?.connectionId) {
      // A moderator (or the server) stopped our stream.
      const stream = this.publisher;
      if (!stream) return;
      this._closePublisher();
      this._emit("streamDestroyed", { stream, reason });
      return;
    }
    const connection = this.remoteConnections.get(connectionId);
    if (connection?.stream) this._destroyStream(connection.stream, reason);
  }

  _participantGone(connectionId, reason) {
    const connection = this.remoteConnections.get(connectionId);
    if (!connection) return; // participantLeft after participantEvicted: told already
    if (connection.stream) this._destroyStream(connection.stream, reason);
    this.remoteConnections.delete(connectionId);
    this._emit("connectionDestroyed", { connection, reason });
  }

  _destroyStream(stream, reason) {
    const publisherId = stream.connection.connectionId;
    const subscription = this._subscriptions.get(publisherId);
    if (subscription?.stream === stream) {
      this._subscriptions.delete(publisherId);
      subscription.peer.close();
    }
    if (stream.connection.stream === stream) stream.connection.stream = null;
    stream.mediaStream = null;
    this._recoveries.delete(stream);
    this._emit("streamDestroyed", { stream, reason });
  }

  _signalReceived({ data, type, from }) {
    const from_ =
      from === undefined || from === null
        ? null
        : from === this.connection?.connectionId
          ? this.connection
          : (this.remoteConnections.get(from) ?? null);
    const kind = typeof type === "string" && type.startsWith("signal:") ? type.slice(7) : "";
    this._emit("signal", { type: kind, data: data ?? "", from: from_ });
  }

  _streamPropertyChanged({ connectionId, streamId, property, newValue, reason }) {
    const stream = this.remoteConnections.get(connectionId)?.stream;
    if (!stream || stream.streamId !== streamId) return;
    let value;
    if (property === "audioActive" || property === "videoActive") {
      value = parseBoolean(newValue);
    } else if (property === "videoDimensions") {
      value = parseDimensions(newValue);
    } else {
      return;
    }
    const oldValue = stream[property];
    stream[property] = value;
    this._emit("streamPropertyChanged", { stream, property, newValue: value, oldValue, reason });
  }

  _iceCandidate({ senderConnectionId, candidate, sdpMid, sdpMLineIndex }) {
    const peer =
      senderConnectionId === this.connection?.connectionId
        ? this._publisherPeer
        : this._subscriptions.get(senderConnectionId)?.peer;
    peer?.addRemoteCandidate({ candidate, sdpMid, sdpMLineIndex });
  }

  // Media: subscriptions and their recovery.

  _newPeer(endpointName, onFailed) {
    return new MediaPeer({
      iceServers: this._iceServers,
      onFailed,
      sendCandidate: (candidate) => {
        // endpointName: our own id for the publication, the publisher's for a subscription.
        this._request("onIceCandidate", { endpointName, ...candidate }).catch((error) => {
          console.debug("rooms: an ICE candidate was not delivered", error);
        });
      },
    });
  }

  async _subscribe(stream, method) {
    const publisherId = stream.connection.connectionId;
    if (this._subscriptions.has(publisherId) || (!stream.hasAudio && !stream.hasVideo)) return;
    const peer = this._newPeer(publisherId, () => this._recoverSubscription(stream));
    const entry = { stream, peer };
    this._subscriptions.set(publisherId, entry);
    const mediaStream = new MediaStream();
    peer.pc.ontrack = (event) => mediaStream.addTrack(event.track);
    try {
      if (stream.hasAudio) peer.pc.addTransceiver("audio", { direction: "recvonly" });
      if (stream.hasVideo) peer.pc.addTransceiver("video", { direction: "recvonly" });
      const sdpOffer = await peer.offer();
      const params =
        method === "reconnectStream" ? { stream: stream.streamId, sdpOffer } : { sender: stream.streamId, sdpOffer };
      const { sdpAnswer } = await this._request(method, params);
      if (peer.closed) return; // the stream ended meanwhile
      await peer.accept(sdpAnswer);
      stream.mediaStream = mediaStream;
      this._emit("streamSubscribed", { stream, mediaStream });
    } catch (error) {
      const wasOurs = this._subscriptions.get(publisherId) === entry;
      if (wasOurs) this._subscriptions.delete(publisherId);
      const closedByUs = peer.closed;
      peer.close();
      if (closedByUs || this.state === "disconnected") return;
      const failure = toRoomsError(error);
      if (failure.code === USER_NOT_STREAMING && method === "reconnectStream") {
        // The stream ended while we could not hear about it (a dropped socket).
        this._destroyStream(stream, "networkDisconnect");
        return;
      }
      this._emit("exception", {
        name: "subscriptionFailed",
        message: failure.message,
        stream,
      });
    }
  }

  async _recoverSubscription(stream) {
    const publisherId = stream.connection.connectionId;
    const entry = this._subscriptions.get(publisherId);
    if (entry?.stream !== stream || !this._mayRecover(stream)) return;
    this._subscriptions.delete(publisherId);
    entry.peer.close();
    stream.mediaStream = null;
    try {
      await this._waitUntilConnected();
    } catch {
      return;
    }
    if (stream.connection.stream === stream) await this._subscribe(stream, "reconnectStream");
  }

  async _recoverPublisher() {
    const stream = this.publisher;
    const old = this._publisherPeer;
    if (!stream || !old || !this._mayRecover(stream)) return;
    try {
      await this._waitUntilConnected();
    } catch {
      return;
    }
    if (this.publisher !== stream) return;
    const peer = this._newPeer(this.connection.connectionId, () => this._recoverPublisher());
    try {
      for (const track of stream.mediaStream.getTracks()) {
        peer.pc.addTransceiver(track, { direction: "sendonly", streams: [stream.mediaStream] });
      }
      const sdpString = await peer.offer();
      const { sdpAnswer } = await this._request("reconnectStream", {
        stream: stream.streamId,
        sdpString,
      });
      if (this.publisher !== stream) throw new RoomsError("client", "The stream ended");
      await peer.accept(sdpAnswer);
      this._publisherPeer = peer;
      old.close();
    } catch (error) {
      peer.close();
      if (this.publisher === stream) {
        this._emit("exception", {
          name: "publisherFailed",
          message: toRoomsError(error).message,
          stream,
        });
      }
    }
  }

  _mayRecover(stream) {
    const tries = this._recoveries.get(stream) ?? 0;
    if (tries >= MAX_MEDIA_RECOVERIES) return false;
    this._recoveries.set(stream, tries + 1);
    return true;
  }

  // Housekeeping.

  _closePublisher() {
    this._publishing?.peer.close();
    this._publisherPeer?.close();
    this._publisherPeer = null;
    const stream = this.publisher;
    this.publisher = null;
    if (!stream) return;
    for (const track of stream.mediaStream?.getTracks() ?? []) track.stop();
    this._recoveries.delete(stream);
    if (this.connection?.stream === stream) this.connection.stream = null;
  }

  /** Close everything; `reason` null for a join that failed (no event). */
  _teardown(reason) {
    this._stopPings();
    for (const { peer } of this._subscriptions.values()) peer.close();
    this._subscriptions.clear();
    this._closePublisher();
    const socket = this._rpc;
    this._rpc = null;
    socket?.close();
    this._candidateSocket?.close();
    this._candidateSocket = null;
    for (const connection of this.remoteConnections.values()) {
      if (connection.stream) connection.stream.mediaStream = null;
    }
    this.remoteConnections.clear();
    this.recording = null;
    const joined = this.connection !== null;
    this.connection = null;
    this._rpcSessionId = null;
    this._setState("disconnected");
    if (reason !== null && joined) this._emit("sessionDisconnected", { reason });
  }

  _requireConnected() {
    if (this.state !== "connected" || !this.connection) {
      throw new RoomsError("not-connected", "Not connected to the room");
    }
  }

  _request(method, params) {
    if (this.state !== "connected" || !this._rpc) {
      return Promise.reject(new RoomsError("not-connected", "Not connected to the room"));
    }
    return this._rpc.request(method, params, { timeoutMs: this._requestTimeoutMs });
  }

  _setState(state) {
    if (this.state === state) return;
    this.state = state;
    this._emit("stateChanged", { state });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
