// Who a connection is, for the room page: its display name, and whose screen it shares.
// The server's part of the metadata is trusted (the page app wrote it); the client's part
// is whatever that browser sent, used only when the server said nothing.

// The longest name shown: the server's limit on display names, which the page's
// configuration carries (maxNameLength), so Python and the page agree.
let maxNameLength = Number.POSITIVE_INFINITY;

/** @param {number} length */
export function limitNames(length) {
  maxNameLength = length;
}

function parseObject(text) {
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * @param {{serverData: string, clientData: string}} connection
 * @returns {{name: string, screenOf: string|null}}
 */
export function seatOf(connection) {
  const server = parseObject(connection.serverData);
  const client = parseObject(connection.clientData);
  const screenOf = typeof server?.screenOf === "string" ? server.screenOf : null;
  const candidates = [
    server?.name,
    client?.clientData,
    client ? null : connection.clientData,
    server ? null : connection.serverData,
  ];
  const name = candidates.find((value) => typeof value === "string" && value.trim() !== "");
  return { name: name ? name.trim().slice(0, maxNameLength) : "Guest", screenOf };
}
