// What the room says out loud (in the notices' live region) as things happen: someone
// joins or leaves, starts or stops sharing a screen, the recording starts or stops.
// People already in the room when we join are not news, nor their screens: a connection
// or stream older than our own seat is told as it was found, not announced.

import { seatOf } from "./names.js";
import { goneWords } from "./words.js";

export class Announcer {
  /**
   * @param {import("../client.js").Session} session
   * @param {(text: string) => void} say
   */
  constructor(session, say) {
    this._session = session;
    this._say = say;
    const isNew = (createdAt) => (createdAt ?? 0) >= (session.connection?.createdAt ?? Number.POSITIVE_INFINITY);
    this._listeners = [
      [
        "connectionCreated",
        ({ connection }) => {
          const seat = seatOf(connection);
          if (!connection.local && !seat.screenOf && isNew(connection.createdAt)) say(`${seat.name} joined.`);
        },
      ],
      [
        "connectionDestroyed",
        ({ connection, reason }) => {
          const seat = seatOf(connection);
          if (seat.screenOf) return;
          say(goneWords(seat.name, reason));
        },
      ],
      [
        "streamCreated",
        ({ stream }) => {
          const seat = seatOf(stream.connection);
          if (!seat.screenOf) return;
          if (isNew(stream.createdAt)) say(`${seat.name} started sharing their screen.`);
          else say(`${seat.name} is sharing their screen.`);
        },
      ],
      [
        "streamDestroyed",
        ({ stream }) => {
          const seat = seatOf(stream.connection);
          if (seat.screenOf) say(`${seat.name} stopped sharing their screen.`);
        },
      ],
      ["recordingStarted", () => say("The room is being recorded.")],
      ["recordingStopped", () => say("The recording stopped.")],
    ].map(([type, handler]) => [type, (event) => handler(event.detail)]);
    for (const [type, handler] of this._listeners) session.addEventListener(type, handler);
  }

  detach() {
    for (const [type, handler] of this._listeners) this._session.removeEventListener(type, handler);
  }
}
