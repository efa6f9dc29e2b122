// OpenVidu tokens: `ws[s]://host[:port][path]?sessionId=<id>&token=tok_...` (docs/protocol.md).
// The whole string is the credential; the host part says where the signaling socket is,
// always at `/openvidu` on that host whatever path the token carries.

/**
 * The parts of a token a client needs.
 * @param {string} token
 * @returns {{sessionId: string, signalingUrl: (reconnect?: boolean) => string}}
 * @throws {TypeError} when the string is not an OpenVidu token
 */
export function parseToken(token) {
  let url;
  try {
    url = new URL(token);
  } catch {
    throw new TypeError("This is not a room token (it is not a URL)");
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new TypeError("This is not a room token (it must start with ws:// or wss://)");
  }
  const sessionId = url.searchParams.get("sessionId");
  if (!sessionId || !url.searchParams.get("token")) {
    throw new TypeError("This is not a room token (it has no sessionId or token)");
  }
  const base = `${url.protocol}//${url.host}/openvidu?sessionId=${encodeURIComponent(sessionId)}`;
  return {
    sessionId,
    signalingUrl: (reconnect = false) => (reconnect ? `${base}&reconnect=true` : base),
  };
}
