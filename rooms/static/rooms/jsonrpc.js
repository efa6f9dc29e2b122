// JSON-RPC 2.0 over one WebSocket, in the flavour OpenVidu's server speaks (docs/protocol.md):
// requests carry numeric ids, results and errors answer them, frames without an id are
// notifications. One JsonRpcSocket is one WebSocket; the Session makes a new one when
// it reconnects, and hands each the same id counter so ids keep increasing.

/** An error the server answered, or one that stands for a transport failure. */
export class RpcError extends Error {
  /**
   * @param {number|string} code  the JSON-RPC error code, or a string for local failures
   *   ("timeout", "closed", "unreachable")
   * @param {string} message
   * @param {unknown} [data]
   */
  constructor(code, message, data) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    this.data = data;
  }
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15000;

/**
 * A WebSocket that speaks JSON-RPC. Events: "notification" (detail {method, params})
 * and "close" (detail {code, reason, byUs}); "close" fires once, however it closes.
 */
export class JsonRpcSocket extends EventTarget {
  /**
   * Open a socket; resolves once it is open, rejects with RpcError("unreachable") if it
   * cannot open within `timeoutMs`.
   * @param {string} url
   * @param {{nextId: () => number, timeoutMs?: number}} options
   * @returns {Promise<JsonRpcSocket>}
   */
  static open(url, { nextId, timeoutMs = 10000 }) {
    return new Promise((resolve, reject) => {
      let socket;
      try {
        socket = new WebSocket(url);
      } catch (error) {
        reject(new RpcError("unreachable", `Cannot open ${url}: ${error.message}`));
        return;
      }
      const timer = setTimeout(() => {
        fail(new RpcError("unreachable", "The server did not answer in time"));
      }, timeoutMs);
      const fail = (error) => {
        clearTimeout(timer);
        socket.onopen = socket.onerror = socket.onclose = null;
        // A socket still connecting must be closed too, or it lingers after the timeout.
        try {
          socket.close();
        } catch {
          // already closed
        }
        reject(error);
      };
      socket.onopen = () => {
        clearTimeout(timer);
        socket.onopen = socket.onerror = socket.onclose = null;
        resolve(new JsonRpcSocket(socket, nextId));
      };
      socket.onerror = () => fail(new RpcError("unreachable", "The server cannot be reached"));
      socket.onclose = () => fail(new RpcError("unreachable", "The server closed the connection"));
    });
  }

  /** @param {WebSocket} socket an open socket @param {() => number} nextId */
  constructor(socket, nextId) {
    super();
    this._socket = socket;
    this._nextId = nextId;
    /** @type {Map<number, {resolve: Function, reject: Function, timer: number}>} */
    this._pending = new Map();
    this._closed = false;
    socket.onmessage = (event) => this._receive(event.data);
    socket.onclose = (event) => this._finish(event.code, event.reason, false);
    // An error is always followed by a close event, which does the cleaning up.
    socket.onerror = () => {};
  }

  get isOpen() {
    return !this._closed && this._socket.readyState === WebSocket.OPEN;
  }

  /**
   * Call a method; resolves with its result, rejects with RpcError (the server's error,
   * or code "timeout" / "closed").
   * @param {string} method
   * @param {object} [params]
   * @param {{timeoutMs?: number}} [options]
   */
  request(method, params = {}, { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS } = {}) {
    if (!this.isOpen) {
      return Promise.reject(new RpcError("closed", "Not connected to the server"));
    }
    const id = this._nextId();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new RpcError("timeout", `The server did not answer ${method} in time`));
      }, timeoutMs);
      this._pending.set(id, { resolve, reject, timer });
      this._socket.send(JSON.stringify({ jsonrpc: "2.0", method, params, id }));
    });
  }

  /** Send a request without waiting for its answer (used while the page unloads). */
  requestAndForget(method, params = {}) {
    if (this.isOpen) {
      this._socket.send(JSON.stringify({ jsonrpc: "2.0", method, params, id: this._nextId() }));
    }
  }

  /** Close the socket; pending requests fail with code "closed". */
  close(code = 1000, reason = "") {
    if (this._closed) return;
    try {
      this._socket.close(code, reason);
    } catch {
      // closing a socket that is already closing throws nothing useful
    }
    this._finish(code, reason, true);
  }

  _receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      console.warn("rooms: ignoring a frame that is not JSON", text);
      return;
    }
    if (frame === null || typeof frame !== "object") return;
    if (typeof frame.method === "string" && frame.id === undefined) {
      this.dispatchEvent(
        new CustomEvent("notification", {
          detail: { method: frame.method, params: frame.params ?? {} },
        }),
      );
      return;
    }
    const pending = this._pending.get(frame.id);
    if (pending === undefined) return; // an answer to a request that timed out
    this._pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.error) {
      const { code, message, data } = frame.error;
      pending.reject(new RpcError(code, message ?? "Server error", data));
    } else {
      pending.resolve(frame.result ?? {});
    }
  }

  _finish(code, reason, byUs) {
    if (this._closed) return;
    this._closed = true;
    this._socket.onmessage = this._socket.onclose = this._socket.onerror = null;
    for (const { reject, timer } of this._pending.values()) {
      clearTimeout(timer);
      reject(new RpcError("closed", "The connection to the server closed"));
    }
    this._pending.clear();
    this.dispatchEvent(new CustomEvent("close", { detail: { code, reason, byUs } }));
  }
}
