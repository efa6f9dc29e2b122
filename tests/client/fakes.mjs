// Stand-ins for the browser APIs the client uses, so its protocol logic runs under Node.

export class FakeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  /** Every socket made, in order. */
  static made = [];
  /** What the next sockets do when opened: "open" (default), "refuse". */
  static behaviour = "open";

  constructor(url) {
    this.url = url;
    this.readyState = FakeWebSocket.CONNECTING;
    this.sent = [];
    this.closedWith = null;
    FakeWebSocket.made.push(this);
    const behaviour = FakeWebSocket.behaviour;
    queueMicrotask(() => {
      if (behaviour === "refuse") {
        this.readyState = FakeWebSocket.CLOSED;
        this.onerror?.({});
        this.onclose?.({ code: 1006, reason: "" });
      } else {
        this.readyState = FakeWebSocket.OPEN;
        this.onopen?.({});
      }
    });
  }

  send(text) {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error("send on a socket that is not open");
    this.sent.push(JSON.parse(text));
  }

  close(code = 1000, reason = "") {
    if (this.readyState === FakeWebSocket.CLOSED) return;
    this.readyState = FakeWebSocket.CLOSED;
    this.closedWith = { code, reason };
  }

  // What the server does.

  /** Answer the request with this method (the oldest unanswered one). */
  answer(method, result) {
    const request = this.request(method);
    this.receive({ jsonrpc: "2.0", id: request.id, result });
    return request;
  }

  fail(method, code, message) {
    const request = this.request(method);
    this.receive({ jsonrpc: "2.0", id: request.id, error: { code, message } });
    return request;
  }

  request(method) {
    this._answered ??= new Set();
    const request = this.sent.find((frame) => frame.method === method && !this._answered.has(frame.id));
    if (!request) throw new Error(`no ${method} request; sent: ${this.sent.map((f) => f.method)}`);
    this._answered.add(request.id);
    return request;
  }

  notify(method, params) {
    this.receive({ jsonrpc: "2.0", method, params });
  }

  receive(frame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The network drops the socket. */
  drop() {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code: 1006, reason: "" });
  }
}

export function installFakes() {
  FakeWebSocket.made = [];
  FakeWebSocket.behaviour = "open";
  globalThis.WebSocket = FakeWebSocket;
  globalThis.navigator ??= { userAgent: "node-test" };
}

/** Let queued microtasks and zero-delay timers run. */
export function settle(ms = 0) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Wait until `condition()` is true, checking every few milliseconds; fail after `ms`. */
export async function until(condition, ms = 2000, what = "the condition") {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle(2);
  }
}

/** Collect a session's events: `{name, ...detail}` each. */
export function recordEvents(target, names) {
  const events = [];
  for (const name of names) {
    target.addEventListener(name, (event) => events.push({ name, ...event.detail }));
  }
  return events;
}

export const TOKEN = "ws://127.0.0.1:8000?sessionId=standup&token=tok_ABCDEFGHIJKLMNOP";

export function joinResult(overrides = {}) {
  return {
    id: "con_Me00000001",
    finalUserId: "con_Me00000001",
    createdAt: 1,
    metadata: '{"clientData":"Me"}%/%{"name":"Me"}',
    value: [],
    session: "standup",
    sessionId: "rpc-1",
    version: "2.32.2",
    mediaServer: "kurento",
    videoSimulcast: false,
    record: true,
    role: "PUBLISHER",
    customIceServers: [],
    ...overrides,
  };
}
