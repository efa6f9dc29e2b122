// The moments in between, on the call's page: raised hands, reactions, the notices'
// live region, "you are alone in the room", and the waiting room (the person waiting on
// the join screen, the owner's list in the call). The call hands each new Session to
// `attach`; everything here listens to the session's own events and signals, so the
// call's code stays as it was.

import { Announcer } from "./announcer.js";
import { Hands } from "./hands.js";
import { seatOf } from "./names.js";
import { REACTIONS, Reactions } from "./reactions.js";
import { OwnerWaitingRoom, waitForSeat } from "./waiting.js";

// How many notices and floating reactions show at once, and for how long.
const NOTICES_SHOWN = 4;
const NOTICES_KEPT = 30;
const NOTICE_MS = 6000;
const REACTIONS_SHOWN = 12;
const REACTION_MS = 3000;
// The grid's key for our own camera tile (call.js).
const LOCAL_TILE = "local";

function element(tag, properties = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(properties)) {
    if (key === "className" || key === "textContent" || key === "type" || key === "hidden" || key === "id") {
      node[key] = value;
    } else {
      node.setAttribute(key, value);
    }
  }
  node.append(...children);
  return node;
}

let theMoments = null;

/** The page's one Moments: a call is made for each join, the page's parts stay. */
export function momentsFor(config) {
  theMoments ??= new Moments(config);
  return theMoments;
}

export class Moments {
  /** @param {object} config the page's configuration (room-config) */
  constructor(config) {
    this._config = config;
    this._session = null;
    this._parts = [];
    this._timers = new Set();
    const call = document.querySelector("#call");
    const anchor = document.querySelector("#call-alert") ?? call.firstElementChild;

    this._notices = element("div", { id: "notices", className: "notices", role: "status", "aria-live": "polite" });
    call.append(this._notices);

    this._alone = element("section", { id: "alone", className: "moment-bar", hidden: true, "aria-label": "Alone" });
    this._buildAlone();
    this._waitingRoom = element("section", {
      id: "waiting-room",
      className: "moment-bar",
      hidden: true,
      "aria-labelledby": "waiting-title",
    });
    this._hands = element("section", {
      id: "hands",
      className: "moment-bar",
      hidden: true,
      "aria-labelledby": "hands-title",
    });
    anchor.after(this._waitingRoom, this._hands, this._alone);

    this._handButton = element("button", {
      type: "button",
      id: "toggle-hand",
      "aria-pressed": "false",
      textContent: "Raise hand",
    });
    this._reactButton = element("button", {
      type: "button",
      id: "toggle-reactions",
      "aria-expanded": "false",
      "aria-controls": "reaction-menu",
      textContent: "React",
    });
    this._reactionMenu = element(
      "div",
      { id: "reaction-menu", className: "reaction-menu", role: "group", "aria-label": "Reactions", hidden: true },
      REACTIONS.map(({ emoji, label }) =>
        element("button", {
          type: "button",
          className: "reaction",
          "aria-label": label,
          title: label,
          textContent: emoji,
        }),
      ),
    );
    const leave = document.querySelector("#leave");
    leave.before(this._handButton, this._reactButton, this._reactionMenu);
    this._handButton.addEventListener("click", () => this._toggleHand());
    this._reactButton.addEventListener("click", () => this._showReactionMenu(this._reactionMenu.hidden));
    this._reactionMenu.addEventListener("click", (event) => {
      const button = event.target.closest("button.reaction");
      if (button) this._react(button.textContent);
    });
    this._reactionMenu.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        this._showReactionMenu(false);
        this._reactButton.focus();
      }
    });

    this._owner =
      config.waitingUrl && config.isOwner ? new OwnerWaitingRoom(config, (people) => this._showWaiting(people)) : null;
    this._waitingIds = new Set();

    // Tiles and people are redrawn by their own modules: the hand marks follow them.
    this._observer = new MutationObserver(() => this._paintHands());
    for (const selector of ["#grid", "#people"]) {
      const target = document.querySelector(selector);
      if (target) this._observer.observe(target, { childList: true });
    }
  }

  /** A seat for the call: in a private room, after waiting for the owner on the join screen. */
  async seat(fields) {
    const controller = new AbortController();
    let box = null;
    const onWaiting = (message) => {
      if (!box) {
        const stop = element("button", { type: "button", id: "stop-waiting", textContent: "Stop waiting" });
        stop.addEventListener("click", () => controller.abort());
        box = element("div", { id: "waiting", className: "waiting" }, [
          element("p", { id: "waiting-message", role: "status" }),
          stop,
        ]);
        (document.querySelector("#join-button") ?? document.querySelector("#join-form")).after(box);
      }
      box.querySelector("#waiting-message").textContent = message;
    };
    try {
      return await waitForSeat(this._config, fields, { onWaiting, signal: controller.signal });
    } finally {
      box?.remove();
    }
  }

  /** Follow a session of the call (a new one after each rejoin). */
  attach(session) {
    this._detachSession();
    this._session = session;
    const say = (text) => this.say(text);
    this._handsState = new Hands(session, ({ connectionId, raised, by }) =>
      this._handChanged(connectionId, raised, by),
    );
    this._reactionsState = new Reactions(session, (reaction, from) => this._showReaction(reaction, from));
    this._parts = [this._handsState, this._reactionsState, new Announcer(session, say)];
    this._sessionListeners = ["connectionCreated", "connectionDestroyed", "stateChanged"].map((type) => {
      const handler = () => this._syncAlone();
      session.addEventListener(type, handler);
      return [type, handler];
    });
    this._syncHands();
    this._syncAlone();
    if (this._owner) this._owner.start();
  }

  /** The call is over: stop everything and clear what was shown. */
  detach() {
    this._detachSession();
    this._owner?.stop();
    this._waitingIds.clear();
    this._showWaiting([]);
    this._alone.hidden = true;
    this._hands.hidden = true;
    this._notices.replaceChildren();
    for (const timer of this._timers) clearTimeout(timer);
    this._timers.clear();
    this._showReactionMenu(false);
    this._handButton.disabled = false;
  }

  /** A notice in the live region: screen readers read it; it shows for a few seconds. */
  say(text) {
    const notice = element("p", { className: "notice", textContent: text });
    this._notices.append(notice);
    // Older notices are hidden, not removed at once: the last few stay as a short log.
    const visible = [...this._notices.children].filter((each) => !each.hidden);
    for (const old of visible.slice(0, -NOTICES_SHOWN)) old.hidden = true;
    while (this._notices.children.length > NOTICES_KEPT) this._notices.firstElementChild.remove();
    this._later(NOTICE_MS, () => {
      notice.hidden = true;
    });
  }

  _later(ms, action) {
    const timer = setTimeout(() => {
      this._timers.delete(timer);
      action();
    }, ms);
    this._timers.add(timer);
  }

  _detachSession() {
    for (const part of this._parts) part.detach();
    this._parts = [];
    for (const [type, handler] of this._sessionListeners ?? []) this._session?.removeEventListener(type, handler);
    this._sessionListeners = [];
    this._handsState = null;
    this._reactionsState = null;
    this._session = null;
  }

  // Alone in the room.

  _buildAlone() {
    const url = this._config.roomUrl;
    const children = [element("h2", { textContent: "You are alone in the room" })];
    if (url) {
      const copy = element("button", {
        type: "button",
        id: "alone-copy",
        className: "small",
        textContent: "Copy the link",
      });
      copy.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(url);
          copy.textContent = "Link copied";
        } catch {
          copy.textContent = "Select the link to copy it";
        }
      });
      children.push(
        element("p", {}, [
          "Invite people with this link: ",
          element("a", { id: "alone-link", href: url, textContent: url }),
          " ",
          copy,
        ]),
      );
    } else {
      children.push(element("p", { textContent: "The others will appear here when they join." }));
    }
    this._alone.append(...children);
  }

  _syncAlone() {
    const session = this._session;
    const connected = session?.state === "connected";
    const others = connected
      ? [...session.remoteConnections.values()].filter((connection) => !seatOf(connection).screenOf).length
      : 0;
    this._alone.hidden = !connected || others > 0;
  }

  // Raised hands.

  async _toggleHand() {
    const hands = this._handsState;
    if (!hands) return;
    this._handButton.disabled = true;
    try {
      await (hands.mine ? hands.lower() : hands.raise());
    } catch (error) {
      this.say(`That did not work: ${error.message}`);
    } finally {
      this._handButton.disabled = false;
    }
  }

  _handChanged(connectionId, raised, by) {
    const session = this._session;
    const own = connectionId === session?.connection?.connectionId;
    const name = this._nameOf(connectionId);
    if (raised) this.say(own ? "You raised your hand." : `${name} raised their hand.`);
    else if (by && by.connectionId !== connectionId) {
      const who = by.local ? "You" : seatOf(by).name;
      this.say(own ? `${who} lowered your hand.` : `${who} lowered the hand of ${name}.`);
    } else if (by) this.say(own ? "You lowered your hand." : `${name} lowered their hand.`);
    this._syncHands();
  }

  _nameOf(connectionId) {
    const session = this._session;
    if (connectionId === session?.connection?.connectionId) return "You";
    const connection = session?.remoteConnections.get(connectionId);
    return connection ? seatOf(connection).name : "Someone";
  }

  _syncHands() {
    const hands = this._handsState;
    const mine = Boolean(hands?.mine);
    this._handButton.textContent = mine ? "Lower hand" : "Raise hand";
    this._handButton.setAttribute("aria-pressed", String(mine));
    const raised = hands?.raised() ?? [];
    const moderator = this._session?.connection?.role === "MODERATOR";
    const items = raised.map((connectionId) => {
      const own = connectionId === this._session.connection.connectionId;
      const name = own ? "You" : this._nameOf(connectionId);
      const item = element("li", { "data-connection-id": connectionId }, [name]);
      if (moderator && !own) {
        const lower = element("button", {
          type: "button",
          className: "small",
          textContent: "Lower",
          "aria-label": `Lower the hand of ${name}`,
        });
        lower.addEventListener("click", () =>
          hands.lower(connectionId).catch((error) => this.say(`That did not work: ${error.message}`)),
        );
        item.append(" ", lower);
      }
      return item;
    });
    this._hands.replaceChildren(
      element("h2", { id: "hands-title", textContent: `Hands raised (${raised.length})` }),
      element("ol", { className: "hand-list" }, items),
    );
    this._hands.hidden = raised.length === 0;
    this._paintHands();
  }

  /** "Hand raised" on each tile and in the people list, for whoever has a hand up. */
  _paintHands() {
    const hands = this._handsState;
    const own = this._session?.connection?.connectionId;
    const isUp = (connectionId) => Boolean(hands && connectionId && hands.isRaised(connectionId));
    for (const tile of document.querySelectorAll("#grid .tile:not(.screen)")) {
      const key = tile.dataset.key;
      mark(tile, "hand-badge", isUp(key === LOCAL_TILE ? own : key));
    }
    for (const item of document.querySelectorAll("#people li[data-connection-id]")) {
      mark(item, "person-hand", isUp(item.dataset.connectionId));
    }
  }

  // Reactions.

  _showReactionMenu(open) {
    this._reactionMenu.hidden = !open;
    this._reactButton.setAttribute("aria-expanded", String(open));
    if (open) this._reactionMenu.querySelector("button")?.focus();
  }

  async _react(emoji) {
    try {
      await this._reactionsState?.send(emoji);
    } catch (error) {
      this.say(`Your reaction was not sent: ${error.message}`);
    }
  }

  _showReaction({ emoji, label }, from) {
    const name = from.local ? "You" : seatOf(from).name;
    this.say(`${name}: ${emoji} ${label}`);
    const key = from.local ? LOCAL_TILE : from.connectionId;
    const tile = [...document.querySelectorAll("#grid .tile")].find((each) => each.dataset.key === key);
    const place = tile ?? document.querySelector("#grid");
    if (!place) return;
    const shown = document.querySelectorAll(".reaction-burst");
    if (shown.length >= REACTIONS_SHOWN) shown[0].remove();
    const burst = element("span", { className: "reaction-burst", "aria-hidden": "true", textContent: emoji });
    burst.dataset.from = from.connectionId;
    place.append(burst);
    this._later(REACTION_MS, () => burst.remove());
  }

  // The waiting room, seen by the owner.

  _showWaiting(people) {
    for (const person of people) {
      if (!this._waitingIds.has(person.id)) this.say(`${person.name} asks to join.`);
    }
    this._waitingIds = new Set(people.map((person) => person.id));
    const items = people.map((person) => {
      const admit = element("button", {
        type: "button",
        className: "small primary",
        textContent: "Admit",
        "aria-label": `Admit ${person.name}`,
      });
      const refuse = element("button", {
        type: "button",
        className: "small",
        textContent: "Refuse",
        "aria-label": `Refuse ${person.name}`,
      });
      const decide = (yes) => {
        admit.disabled = refuse.disabled = true;
        this._owner
          .decide(person.id, yes)
          .then(() => this.say(yes ? `${person.name} was let in.` : `${person.name} was refused.`))
          .catch((error) => {
            admit.disabled = refuse.disabled = false;
            this.say(`That did not work: ${error.message}`);
          });
      };
      admit.addEventListener("click", () => decide(true));
      refuse.addEventListener("click", () => decide(false));
      return element("li", { "data-admission": String(person.id) }, [
        element("span", { className: "person-name", textContent: person.name }),
        element("span", { className: "muted", textContent: ` (${person.user}) ` }),
        admit,
        " ",
        refuse,
      ]);
    });
    // Redrawn only when the list changes, so a focused button stays.
    const signature = JSON.stringify(people);
    if (signature === this._waitingSignature) return;
    this._waitingSignature = signature;
    this._waitingRoom.replaceChildren(
      element("h2", { id: "waiting-title", textContent: `Asking to join (${people.length})` }),
      element("ul", { className: "waiting-list" }, items),
    );
    this._waitingRoom.hidden = people.length === 0;
  }
}

// Words, not an emoji: they read the same in every font and to a screen reader.
function mark(container, className, on) {
  const badge = container.querySelector(`:scope > .${className}`);
  if (on && !badge) {
    container.append(element("span", { className, textContent: "Hand raised" }));
  } else if (!on && badge) {
    badge.remove();
  }
}
