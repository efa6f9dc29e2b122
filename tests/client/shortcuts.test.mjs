// The call's keyboard shortcuts (rooms/static/rooms/page/shortcuts.js): each has a
// modifier, AltGr (Ctrl+Alt) and Shift combinations are nobody's, and the help lists
// every action the keys lead to.

import assert from "node:assert/strict";
import { test } from "node:test";

import { SHORTCUTS, shortcutFor } from "../../rooms/static/rooms/page/shortcuts.js";

const press = (code, modifiers = {}) =>
  shortcutFor({ code, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...modifiers });

test("Ctrl (or Cmd) D and E are the microphone and the camera", () => {
  assert.equal(press("KeyD", { ctrlKey: true }), "microphone");
  assert.equal(press("KeyD", { metaKey: true }), "microphone");
  assert.equal(press("KeyE", { ctrlKey: true }), "camera");
  assert.equal(press("KeyL", { altKey: true }), "view");
  assert.equal(press("KeyQ", { altKey: true }), "leave");
});

test("typing, AltGr and Shift combinations trigger nothing", () => {
  assert.equal(press("KeyD"), null);
  assert.equal(press("KeyQ"), null);
  assert.equal(press("KeyD", { ctrlKey: true, altKey: true }), null);
  assert.equal(press("KeyD", { ctrlKey: true, shiftKey: true }), null);
  assert.equal(press("Digit1", { altKey: true }), null);
  assert.equal(press("KeyZ", { altKey: true }), null);
});

test("the help lists exactly the actions the keys lead to", () => {
  const listed = SHORTCUTS.map((entry) => entry.action).sort();
  const reachable = [];
  for (const letter of "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
    for (const modifiers of [{ ctrlKey: true }, { altKey: true }]) {
      const action = press(`Key${letter}`, modifiers);
      if (action) reachable.push(action);
    }
  }
  assert.deepEqual(reachable.sort(), listed);
  for (const { keys, action } of SHORTCUTS) {
    const [modifier, letter] = keys.split("+");
    assert.equal(press(`Key${letter}`, modifier === "Ctrl" ? { ctrlKey: true } : { altKey: true }), action);
  }
});
