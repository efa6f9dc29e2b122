// Raised hands, as OpenVidu signals of type "hand", so every page in the room and any
// openvidu-browser app (session.on("signal:hand")) sees them. The data is JSON:
// {"raised": true|false} from the person whose hand it is, or {"raised": false,
// "connectionId": "<whose>"} when a moderator lowers someone else's hand. The protocol
// tells no page the others' roles, so a lowering is taken from anyone: only moderators'
// pages offer it, and a lowered hand is harmless. Nothing is replayed to people who
// join later, so a page with its hand up tells each newcomer.

import { seatOf } from "./names.js";

export const HAND_SIGNAL = "hand";

/** The hand signal's data, or null when it is not one. */
export function parseHand(data) {
  let value;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object" || typeof value.raised !== "boolean") return null;
  const connectionId = typeof value.connectionId === "string" && value.connectionId ? value.connectionId : null;
  return { raised: value.raised, connectionId };
}

export class Hands {
  /**
   * @param {import("../client.js").Session} session
   * @param {(change: {connectionId: string, raised: boolean, by: object|null}) => void} onChange
   */
  constructor(session, onChange) {
    this._session = session;
    this._onChange = onChange;
    /** connection id -> when it went up (a counter, for the order to show them in) */
    this._raised = new Map();
    this._order = 0;
    this._listeners = [
      ["signal", (event) => this._onSignal(event.detail)],
      ["connectionCreated", (event) => this._greet(event.detail.connection)],
      ["connectionDestroyed", (event) => this._set(event.detail.connection.connectionId, false, null)],
    ];
    for (const [type, handler] of this._listeners) session.addEventListener(type, handler);
  }

  detach() {
    for (const [type, handler] of this._listeners) this._session.removeEventListener(type, handler);
    this._raised.clear();
  }

  get mine() {
    const own = this._session.connection?.connectionId;
    return own ? this._raised.has(own) : false;
  }

  isRaised(connectionId) {
    return this._raised.has(connectionId);
  }

  /** The connection ids with a hand up, first raised first. */
  raised() {
    return [...this._raised.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  }

  async raise() {
    await this._session.signal({ type: HAND_SIGNAL, data: JSON.stringify({ raised: true }) });
  }

  /** Lower our own hand, or (a moderator) someone else's. */
  async lower(connectionId = this._session.connection?.connectionId) {
    const own = connectionId === this._session.connection?.connectionId;
    const data = own ? { raised: false } : { raised: false, connectionId };
    await this._session.signal({ type: HAND_SIGNAL, data: JSON.stringify(data) });
  }

  _onSignal({ type, data, from }) {
    if (type !== HAND_SIGNAL || !from) return;
    const hand = parseHand(data);
    if (!hand) return;
    // Only one's own hand goes up; anyone's may be lowered (see above).
    const whose = hand.raised ? from.connectionId : (hand.connectionId ?? from.connectionId);
    const known = whose === this._session.connection?.connectionId || this._session.remoteConnections.has(whose);
    if (!known) return;
    this._set(whose, hand.raised, from);
  }

  _greet(connection) {
    if (connection.local || !this.mine || seatOf(connection).screenOf) return;
    this._session
      .signal({ type: HAND_SIGNAL, data: JSON.stringify({ raised: true }), to: [connection] })
      .catch(() => {});
  }

  _set(connectionId, raised, by) {
    if (raised === this._raised.has(connectionId)) return;
    if (raised) this._raised.set(connectionId, ++this._order);
    else this._raised.delete(connectionId);
    this._onChange({ connectionId, raised, by });
  }
}
