// The call's icon buttons: inline SVG icons (no icon font to download), a constant
// accessible name with aria-pressed for the toggles, and a tooltip that says what a
// press does and its keyboard shortcut.

const SVG = "http://www.w3.org/2000/svg";

// Stroked 24x24 outlines; "slash" is drawn over an icon whose thing is off.
const SHAPES = {
  microphone:
    '<rect x="9" y="2.5" width="6" height="11.5" rx="3"/><path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M8.5 21h7"/>',
  camera: '<rect x="2.5" y="6" width="13" height="12" rx="2"/><path d="M15.5 10.5 21.5 7v10l-6-3.5z"/>',
  screen: '<rect x="2.5" y="4" width="19" height="13" rx="2"/><path d="M8 21h8M12 17v4M12 13.5V7.5M9 10.5l3-3 3 3"/>',
  grid: '<rect x="3" y="4" width="8" height="7" rx="1"/><rect x="13" y="4" width="8" height="7" rx="1"/><rect x="3" y="13" width="8" height="7" rx="1"/><rect x="13" y="13" width="8" height="7" rx="1"/>',
  speaker:
    '<rect x="2.5" y="4" width="13" height="16" rx="1.5"/><rect x="17.5" y="4" width="4" height="4.5" rx="1"/><rect x="17.5" y="10" width="4" height="4.5" rx="1"/><rect x="17.5" y="15.5" width="4" height="4.5" rx="1"/>',
  people:
    '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0"/><path d="M15.5 4.5a3.5 3.5 0 0 1 0 7M18 14.5a6.5 6.5 0 0 1 3.5 5.5"/>',
  settings:
    '<path d="M4 7h9M18 7h2M4 17h3M12 17h8"/><circle cx="15.5" cy="7" r="2.5"/><circle cx="9.5" cy="17" r="2.5"/>',
  keyboard:
    '<rect x="2.5" y="6" width="19" height="12" rx="2"/><path d="M6.5 10h1M10.5 10h1M14.5 10h1M6.5 13.5h1M16.5 10h1M16.5 13.5h1M9.5 14h5"/>',
  leave:
    '<path d="M3.5 14.5c4.7-4.3 12.3-4.3 17 0l-1.6 2.6-3.6-1.3-.3-2.3a9.6 9.6 0 0 0-6 0l-.3 2.3-3.6 1.3z" fill="currentColor"/>',
  pin: '<path d="M9 3.5h6M10 3.5v6l-3.5 4.5h11L14 9.5v-6M12 14v6.5"/>',
  link: '<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>',
  slash: '<path d="M3.5 3.5 20.5 20.5" class="slash"/>',
};

/**
 * An inline SVG icon, hidden from screen readers (the button has the words).
 * @param {string} name one of the shapes above
 * @param {{off?: boolean}} [options] `off` draws a slash over it
 */
export function icon(name, { off = false } = {}) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("icon");
  svg.innerHTML = SHAPES[name] + (off ? SHAPES.slash : "");
  return svg;
}

/**
 * Make a button an icon button: its accessible name stays `label`, whatever its icon.
 * @param {HTMLButtonElement} button
 * @param {{icon: string, label: string, tip?: string, shortcut?: string, keys?: string}} options
 *   `shortcut` as shown ("Ctrl+D"), `keys` as aria-keyshortcuts wants it ("Control+D")
 */
export function iconButton(button, { icon: name, label, tip = label, shortcut = "", keys = "" }) {
  button.classList.add("icon-button");
  button.setAttribute("aria-label", label);
  if (keys) button.setAttribute("aria-keyshortcuts", keys);
  if (shortcut) button.dataset.shortcut = shortcut;
  // Anything the button held (a text label, a badge) stays after the icon.
  const rest = [...button.children].filter((node) => !node.matches("svg.icon"));
  button.replaceChildren(icon(name), ...rest);
  setTip(button, tip);
}

/**
 * Show a toggle's state: pressed or not, its icon (slashed when off) and its tooltip.
 * @param {HTMLButtonElement} button
 * @param {{pressed: boolean, icon?: string, off?: boolean, tip?: string}} state
 */
export function setToggle(button, { pressed, icon: name, off = false, tip }) {
  button.setAttribute("aria-pressed", String(pressed));
  button.classList.toggle("off", off);
  if (name) {
    const current = button.querySelector("svg.icon");
    const next = icon(name, { off });
    if (current) current.replaceWith(next);
    else button.prepend(next);
  }
  if (tip) setTip(button, tip);
}

function setTip(button, tip) {
  const shortcut = button.dataset.shortcut;
  // A CSS tooltip (::after) from data-tip; the accessible name is aria-label.
  button.dataset.tip = shortcut ? `${tip} (${shortcut})` : tip;
}
