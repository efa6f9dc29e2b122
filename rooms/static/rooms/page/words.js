// What went wrong, in words a person can act on.

const LEFT_REASONS = {
  disconnect: ["You left the room", ""],
  forceDisconnectByUser: ["You were removed", "A moderator removed you from the room."],
  forceDisconnectByServer: ["You were removed", "The room's administrator removed you from the room."],
  sessionClosedByServer: ["The room was closed", "The room's administrator closed the room."],
  networkDisconnect: [
    "Connection lost",
    "The connection to the room was lost and could not be restored. Join again when the server answers.",
  ],
  openviduServerStopped: ["The server stopped", "The video server stopped. Try again in a moment."],
};

/** The title and text of the screen shown when the room ends for us. */
export function endedWords(reason) {
  return LEFT_REASONS[reason] ?? ["You are no longer in the room", `The room ended (${reason}).`];
}

/** Why joining failed, from a RoomsError or a SeatError. */
export function joinErrorWords(error) {
  switch (error?.reason) {
    case "invalid-token":
      return "This invitation link is not valid, or it has already been used. Ask for a new one.";
    case "room-closed":
      return "This room has closed.";
    case "room-not-found":
      return "This room does not exist any more.";
    case "unreachable":
      return "The video server cannot be reached. Check your connection and try again.";
    case "timeout":
      return "The video server took too long to answer. Try again.";
    case "connection-lost":
      return "The connection dropped while joining. Try again.";
    case "seat":
      return error.message;
    default:
      return `Joining failed: ${error?.message ?? error}`;
  }
}

/** What the others are told when someone leaves, for the chat log. */
export function goneWords(name, reason) {
  if (reason === "forceDisconnectByUser") return `${name} was removed by a moderator.`;
  if (reason === "networkDisconnect") return `${name} lost their connection.`;
  return `${name} left the room.`;
}
