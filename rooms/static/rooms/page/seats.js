// Asking the page app for a seat (a token) in the room: POST /rooms/<name>/token.

/** The page app refused a seat; `message` is already in words, `login` set for private rooms. */
export class SeatError extends Error {
  constructor(status, message, login = null, { waiting = false } = {}) {
    super(message);
    this.waiting = waiting;
    this.name = "SeatError";
    this.reason = "seat";
    this.status = status;
    this.login = login;
  }
}

/**
 * @param {{tokenUrl: string, csrfToken: string}} config
 * @param {Record<string, string>} fields name (camera seat), or kind=screen and screen_of
 * @returns {Promise<{token: string, connectionId: string, role: string, room: string, name: string}>}
 */
export async function requestSeat(config, fields) {
  let response;
  try {
    response = await fetch(config.tokenUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": config.csrfToken },
      body: new URLSearchParams(fields),
    });
  } catch {
    throw new SeatError(0, "The server cannot be reached. Check your connection and try again.");
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Django's own error pages (CSRF, 500) are HTML.
  }
  if (response.ok && body?.token) return body;
  // A private room's waiting room (rooms/page_tokens.py): no seat until the owner admits.
  if (response.status === 202 && body?.waiting) throw new SeatError(202, body.message, null, { waiting: true });
  if (body?.error) throw new SeatError(response.status, body.error, body.login ?? null);
  if (response.status === 403) {
    throw new SeatError(403, "Your page has expired. Reload it and try again.");
  }
  throw new SeatError(response.status, `The server could not seat you (error ${response.status}). Try again.`);
}
