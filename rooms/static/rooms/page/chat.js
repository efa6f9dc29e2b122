// The chat: messages are signals of type "chat" to everyone; notices (who joined, who
// left) are written in the same log so the conversation keeps its context.

const MAX_MESSAGES = 500;

export class Chat {
  /**
   * @param {HTMLOListElement} list
   * @param {HTMLFormElement} form
   * @param {HTMLInputElement} input
   * @param {(text: string) => Promise<void>} send
   */
  constructor(list, form, input, send) {
    this._list = list;
    this._input = input;
    this._form = form;
    this._onSubmit = async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.disabled = true;
      try {
        await send(text);
        input.value = "";
      } catch (error) {
        this.notice(`Your message was not sent: ${error.message}`);
      } finally {
        input.disabled = false;
        input.focus();
      }
    };
    form.addEventListener("submit", this._onSubmit);
  }

  /** A message someone sent (ourselves included: the server echoes it to everyone). */
  message(name, text, local) {
    const item = document.createElement("li");
    item.className = local ? "message local" : "message";
    const who = document.createElement("strong");
    who.textContent = local ? `${name} (you)` : name;
    const body = document.createElement("span");
    body.className = "message-text";
    body.textContent = text;
    item.append(who, ": ", body);
    this._add(item);
  }

  notice(text) {
    const item = document.createElement("li");
    item.className = "notice";
    item.textContent = text;
    this._add(item);
  }

  clear() {
    this._list.replaceChildren();
  }

  detach() {
    this._form.removeEventListener("submit", this._onSubmit);
  }

  _add(item) {
    const time = document.createElement("time");
    const now = new Date();
    time.dateTime = now.toISOString();
    time.textContent = now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    item.prepend(time, " ");
    this._list.append(item);
    while (this._list.children.length > MAX_MESSAGES) this._list.firstElementChild.remove();
    this._list.scrollTop = this._list.scrollHeight;
  }
}
