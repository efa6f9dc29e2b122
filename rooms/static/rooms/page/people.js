// The participants list, with the moderator's buttons. Entries are updated in place, so
// a keyboard user's focus stays on the button it was on.

export class PeopleList {
  /**
   * @param {HTMLUListElement} list
   * @param {HTMLElement} count
   * @param {{remove: (person) => void, stopCamera: (person) => void, stopScreen: (person) => void}} actions
   */
  constructor(list, count, actions) {
    this._list = list;
    this._count = count;
    this._actions = actions;
    /** @type {Map<string, HTMLLIElement>} */
    this._items = new Map();
  }

  /**
   * @param {Array<{id: string, name: string, local: boolean, moderator: boolean,
   *   camera: object|null, screen: object|null}>} people in the order to show them
   * @param {boolean} canModerate
   */
  render(people, canModerate) {
    const seen = new Set();
    for (const person of people) {
      seen.add(person.id);
      let item = this._items.get(person.id);
      if (!item) {
        item = this._create(person);
        this._items.set(person.id, item);
      }
      this._list.append(item); // moves it into order
      this._update(item, person, canModerate);
    }
    for (const [id, item] of this._items) {
      if (!seen.has(id)) {
        item.remove();
        this._items.delete(id);
      }
    }
    this._count.textContent = String(people.length);
  }

  clear() {
    this.render([], false);
  }

  _create(person) {
    const item = document.createElement("li");
    item.dataset.connectionId = person.id;
    const name = document.createElement("span");
    name.className = "person-name";
    const state = document.createElement("span");
    state.className = "person-state muted";
    const buttons = document.createElement("span");
    buttons.className = "person-actions";
    for (const [action, text] of [
      ["stopCamera", "Stop video"],
      ["stopScreen", "Stop screen"],
      ["remove", "Remove"],
    ]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.dataset.action = action;
      button.textContent = text;
      button.addEventListener("click", () => this._actions[action](item.person));
      buttons.append(button);
    }
    item.append(name, state, buttons);
    return item;
  }

  _update(item, person, canModerate) {
    item.person = person;
    item.querySelector(".person-name").textContent = person.local ? `${person.name} (you)` : person.name;
    const states = [];
    if (person.moderator) states.push("moderator");
    if (person.camera && (!person.camera.hasAudio || !person.camera.audioActive)) states.push("muted");
    if (person.camera && (!person.camera.hasVideo || !person.camera.videoActive)) states.push("camera off");
    if (!person.camera) states.push("no camera or microphone");
    if (person.screen) states.push("sharing their screen");
    item.querySelector(".person-state").textContent = states.length ? ` · ${states.join(", ")}` : "";
    const moderate = canModerate && !person.local;
    for (const button of item.querySelectorAll("button")) {
      const action = button.dataset.action;
      const visible =
        moderate &&
        (action === "remove" ||
          (action === "stopCamera" && person.camera) ||
          (action === "stopScreen" && person.screen));
      button.hidden = !visible;
      const what = { remove: "Remove", stopCamera: "Stop the video of", stopScreen: "Stop the screen of" }[action];
      button.setAttribute("aria-label", `${what} ${person.name}`);
    }
  }
}
