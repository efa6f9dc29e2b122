// Keyboard shortcuts of the call, and the help dialog that lists them. Every shortcut
// has a modifier, so typing in the chat never triggers one (WCAG 2.1.4); Ctrl+D and
// Ctrl+E are Google Meet's (Cmd on a Mac), the others use Alt. Keys are read from
// `event.code`, so a keyboard layout or the Mac's Option characters do not matter.

export const SHORTCUTS = [
  { action: "microphone", keys: "Ctrl+D", aria: "Control+D", what: "Turn the microphone on or off" },
  { action: "camera", keys: "Ctrl+E", aria: "Control+E", what: "Turn the camera on or off" },
  { action: "view", keys: "Alt+L", aria: "Alt+L", what: "Switch between the grid and the speaker view" },
  { action: "side", keys: "Alt+P", aria: "Alt+P", what: "Show or hide the people and the chat" },
  { action: "settings", keys: "Alt+S", aria: "Alt+S", what: "Open the camera, microphone and speaker settings" },
  { action: "help", keys: "Alt+K", aria: "Alt+K", what: "Show this list of shortcuts" },
  { action: "leave", keys: "Alt+Q", aria: "Alt+Q", what: "Leave the room" },
];

/**
 * The action a key press asks for, or null.
 * @param {{code: string, ctrlKey: boolean, metaKey: boolean, altKey: boolean, shiftKey: boolean}} event
 */
export function shortcutFor({ code, ctrlKey, metaKey, altKey, shiftKey }) {
  if (shiftKey) return null;
  const letter = /^Key([A-Z])$/.exec(code)?.[1];
  if (!letter) return null;
  // AltGr is Ctrl+Alt on Windows: neither a Ctrl nor an Alt shortcut.
  if ((ctrlKey || metaKey) && !altKey) {
    return { D: "microphone", E: "camera" }[letter] ?? null;
  }
  if (altKey && !ctrlKey && !metaKey) {
    return { L: "view", P: "side", S: "settings", K: "help", Q: "leave" }[letter] ?? null;
  }
  return null;
}

export class Shortcuts {
  /**
   * @param {Record<string, () => void>} actions by SHORTCUTS' action names
   * @param {HTMLDialogElement} help the dialog that lists them
   */
  constructor(actions, help) {
    this._actions = actions;
    this._help = help;
    const body = help.querySelector("tbody");
    body.replaceChildren(
      ...SHORTCUTS.map(({ keys, what }) => {
        const row = document.createElement("tr");
        const key = document.createElement("td");
        for (const [index, part] of keys.split("+").entries()) {
          if (index) key.append("+");
          const kbd = document.createElement("kbd");
          kbd.textContent = part;
          key.append(kbd);
        }
        const description = document.createElement("td");
        description.textContent = what;
        row.append(key, description);
        return row;
      }),
    );
    this._onKey = (event) => {
      const action = shortcutFor(event);
      if (!action || !this._actions[action]) return;
      // Another dialog is open: only closing it (Escape) and the help toggle work.
      const open = document.querySelector("dialog[open]");
      if (open && !(open === help && action === "help")) return;
      event.preventDefault();
      this._actions[action]();
    };
    document.addEventListener("keydown", this._onKey);
  }

  /** Show the list of shortcuts, or hide it. */
  toggleHelp() {
    if (this._help.open) this._help.close();
    else this._help.showModal();
  }

  close() {
    document.removeEventListener("keydown", this._onKey);
    if (this._help.open) this._help.close();
  }
}
