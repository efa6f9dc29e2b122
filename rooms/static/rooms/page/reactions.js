// Reactions: a signal of type "reaction" whose data is one emoji of a short list, so an
// openvidu-browser app can send and show them with nothing more than the emoji. What is
// not on the list is ignored; a page shows a bounded number at a time.

export const REACTION_SIGNAL = "reaction";

export const REACTIONS = [
  { emoji: "👍", label: "Thumbs up" },
  { emoji: "👏", label: "Applause" },
  { emoji: "😂", label: "Laughing" },
  { emoji: "❤️", label: "Heart" },
  { emoji: "🎉", label: "Celebrate" },
  { emoji: "😮", label: "Surprised" },
];

/** The reaction a signal's data names, or null. */
export function parseReaction(data) {
  return REACTIONS.find((reaction) => reaction.emoji === data) ?? null;
}

export class Reactions {
  /**
   * @param {import("../client.js").Session} session
   * @param {(reaction: {emoji: string, label: string}, from: object) => void} onReaction
   */
  constructor(session, onReaction) {
    this._session = session;
    this._onSignal = ({ detail: { type, data, from } }) => {
      if (type !== REACTION_SIGNAL || !from) return;
      const reaction = parseReaction(data);
      if (reaction) onReaction(reaction, from);
    };
    session.addEventListener("signal", this._onSignal);
  }

  detach() {
    this._session.removeEventListener("signal", this._onSignal);
  }

  /** Send a reaction to everyone (our own page shows it from the echo, as the others do). */
  async send(emoji) {
    if (!parseReaction(emoji)) throw new TypeError(`${emoji} is not a reaction`);
    await this._session.signal({ type: REACTION_SIGNAL, data: emoji });
  }
}
