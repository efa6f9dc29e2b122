// The waiting room of private rooms (rooms/admissions.py), both sides of it.
// - The person waiting: the token endpoint answers 202 {waiting} until the owner lets
//   them in, so `waitForSeat` asks again every few seconds until it gets a seat, a
//   refusal, or the person stops waiting.
// - The owner, in the call: `OwnerWaitingRoom` asks GET /rooms/<name>/waiting every few
//   seconds and answers with POST {id, action: "admit" | "refuse"}.

import { SeatError, requestSeat } from "./seats.js";

export const WAIT_POLL_MS = 2000;
export const OWNER_POLL_MS = 2000;

function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(stoppedWaiting());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(stoppedWaiting());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function stoppedWaiting() {
  return new SeatError(0, "You stopped waiting to join.", null, { waiting: false });
}

/**
 * A seat, after waiting for the owner if the room has a waiting room.
 * @param {object} config the page's configuration
 * @param {Record<string, string>} fields what requestSeat sends
 * @param {{onWaiting?: (message: string) => void, signal?: AbortSignal, pollMs?: number}} options
 */
export async function waitForSeat(config, fields, { onWaiting = () => {}, signal, pollMs = WAIT_POLL_MS } = {}) {
  let waited = false;
  try {
    for (;;) {
      if (signal?.aborted) throw stoppedWaiting();
      try {
        return await requestSeat(config, fields);
      } catch (error) {
        if (!(error instanceof SeatError) || !error.waiting) throw error;
        waited = true;
        onWaiting(error.message);
      }
      await pause(pollMs, signal);
    }
  } catch (error) {
    // Stopped waiting: the owner should not admit someone who has gone.
    if (waited && signal?.aborted) await withdraw(config);
    throw error;
  }
}

/** Withdraw our request from the waiting room (DELETE); a failure only leaves it to expire. */
async function withdraw(config) {
  if (!config.waitingUrl) return;
  try {
    await fetch(config.waitingUrl, {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "X-CSRFToken": config.csrfToken },
    });
  } catch {
    // The server forgets a request nobody renews within seconds anyway.
  }
}

/** The owner's view of who waits: polling, and the two answers. */
export class OwnerWaitingRoom {
  /**
   * @param {{waitingUrl: string, csrfToken: string}} config
   * @param {(people: Array<{id: number, name: string, user: string}>) => void} onList
   */
  constructor(config, onList, { pollMs = OWNER_POLL_MS } = {}) {
    this._config = config;
    this._onList = onList;
    this._pollMs = pollMs;
    this._timer = null;
    this._stopped = true;
  }

  start() {
    if (!this._stopped) return;
    this._stopped = false;
    this._poll();
  }

  stop() {
    this._stopped = true;
    clearTimeout(this._timer);
    this._timer = null;
  }

  async refresh() {
    let body = null;
    try {
      const response = await fetch(this._config.waitingUrl, { credentials: "same-origin" });
      if (response.ok) body = await response.json();
    } catch {
      // The server is away: the call says so; the list comes back with it.
    }
    if (!this._stopped && Array.isArray(body?.waiting)) this._onList(body.waiting);
  }

  /** Admit (true) or refuse (false) someone; resolves with the new state, or rejects in words. */
  async decide(id, admit) {
    let response;
    try {
      response = await fetch(this._config.waitingUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": this._config.csrfToken, "Content-Type": "application/json" },
        body: JSON.stringify({ id, action: admit ? "admit" : "refuse" }),
      });
    } catch {
      throw new Error("The server cannot be reached.");
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error(body?.error ?? `The server answered ${response.status}.`);
    await this.refresh();
    return body.state;
  }

  async _poll() {
    await this.refresh();
    if (!this._stopped) this._timer = setTimeout(() => this._poll(), this._pollMs);
  }
}
