// The stage's geometry (rooms/static/rooms/page/layout.js): at every count from 1 to 25
// and at desktop and phone sizes, tiles are 16:9, inside the stage, never overlap, and
// are as large as the stage allows.

import assert from "node:assert/strict";
import { test } from "node:test";

import { chooseView, gridLayout, gridRects, orderTiles, speakerRects } from "../../rooms/static/rooms/page/layout.js";

// A desktop stage (1280x800 less the bars), a phone held upright, a phone on its side,
// and the narrowest phone.
const STAGES = [
  { width: 1264, height: 640 },
  { width: 374, height: 620 },
  { width: 800, height: 330 },
  { width: 344, height: 520 },
];

function overlap(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function checkRects(rects, stage, count) {
  assert.equal(rects.length, count);
  for (const rect of rects) {
    assert.ok(rect.width > 0 && rect.height > 0, `an empty tile at ${count}`);
    assert.ok(rect.x >= 0 && rect.y >= 0, `a tile off the top left at ${count}: ${JSON.stringify(rect)}`);
    assert.ok(rect.x + rect.width <= stage.width + 1, `a tile off the right at ${count}: ${JSON.stringify(rect)}`);
    assert.ok(rect.y + rect.height <= stage.height + 1, `a tile off the bottom at ${count}: ${JSON.stringify(rect)}`);
    // 16:9 up to the rounding to whole pixels.
    assert.ok(Math.abs(rect.width - (rect.height * 16) / 9) < 2, `not 16:9 at ${count}: ${JSON.stringify(rect)}`);
  }
  for (let i = 0; i < rects.length; i += 1) {
    for (let j = i + 1; j < rects.length; j += 1) {
      assert.ok(!overlap(rects[i], rects[j]), `tiles ${i} and ${j} overlap at ${count}`);
    }
  }
}

test("the grid fits 1 to 25 tiles inside every stage, 16:9, without overlap", () => {
  for (const stage of STAGES) {
    for (let count = 1; count <= 25; count += 1) checkRects(gridRects(count, stage), stage, count);
  }
});

test("the grid fills the stage: the tiles touch two of its sides", () => {
  for (const stage of STAGES) {
    for (let count = 1; count <= 25; count += 1) {
      const { columns, rows, tileWidth, tileHeight } = gridLayout({ count, ...stage });
      const usedWidth = columns * tileWidth + (columns - 1) * 8;
      const usedHeight = rows * tileHeight + (rows - 1) * 8;
      // One dimension is used up to the rounding of the tile size (two pixels a tile).
      const slack = 2 * Math.max(columns, rows) + 2;
      assert.ok(
        stage.width - usedWidth <= slack || stage.height - usedHeight <= slack,
        `${count} tiles leave both bands empty in ${JSON.stringify(stage)}`,
      );
    }
  }
});

test("no column count gives larger tiles than the one chosen", () => {
  for (const stage of STAGES) {
    for (let count = 1; count <= 25; count += 1) {
      const chosen = gridLayout({ count, ...stage }).tileWidth;
      for (let columns = 1; columns <= count; columns += 1) {
        const rows = Math.ceil(count / columns);
        const width = Math.min(
          (stage.width - 8 * (columns - 1)) / columns,
          ((stage.height - 8 * (rows - 1)) / rows) * (16 / 9),
        );
        assert.ok(Math.floor(width) <= chosen, `${columns} columns beat the choice for ${count}`);
      }
    }
  }
});

test("the shapes a person expects", () => {
  const desktop = STAGES[0];
  const phone = STAGES[1];
  const shape = (count, stage) => {
    const { columns, rows } = gridLayout({ count, ...stage });
    return `${columns}x${rows}`;
  };
  assert.equal(shape(1, desktop), "1x1");
  assert.equal(shape(2, desktop), "2x1");
  assert.equal(shape(4, desktop), "2x2");
  assert.equal(shape(9, desktop), "3x3");
  assert.equal(shape(16, desktop), "4x4");
  assert.equal(shape(2, phone), "1x2");
  assert.equal(shape(4, phone), "1x4");
  assert.equal(gridLayout({ count: 0, ...desktop }).columns, 0);
});

test("a short last row is centred", () => {
  const rects = gridRects(3, { width: 1000, height: 600 });
  // 2x2 with one tile in the second row, in the middle.
  assert.equal(rects[0].y, rects[1].y);
  const middle = rects[2].x + rects[2].width / 2;
  assert.ok(Math.abs(middle - 500) <= 1, `the third tile is not centred: ${middle}`);
});

test("the speaker view: one large tile and a strip, inside the stage", () => {
  for (const stage of STAGES) {
    for (let count = 1; count <= 25; count += 1) {
      const rects = speakerRects(count, stage);
      checkRects(rects, stage, count);
      for (const other of rects.slice(1)) {
        assert.ok(other.width <= rects[0].width, `a strip tile is larger than the speaker at ${count}`);
      }
    }
  }
  // Beside the speaker on a wide stage, below on a phone held upright.
  const [wideMain, wideStrip] = speakerRects(3, STAGES[0]);
  assert.ok(wideStrip.x >= wideMain.x + wideMain.width);
  const [tallMain, tallStrip] = speakerRects(3, STAGES[1]);
  assert.ok(tallStrip.y >= tallMain.y + tallMain.height);
});

test("the view: the grid by default, a screen or a pin makes the speaker view", () => {
  const keys = ["local", "con_a", "con_b"];
  assert.deepEqual(chooseView({ choice: "auto", keys }), { view: "grid", featured: null });
  assert.deepEqual(chooseView({ choice: "auto", keys: [...keys, "con_s"], screens: ["con_s"] }), {
    view: "speaker",
    featured: "con_s",
  });
  assert.deepEqual(chooseView({ choice: "auto", keys, pinned: "con_b" }), { view: "speaker", featured: "con_b" });
  // A pin wins over a screen; a pin of someone who left is forgotten.
  assert.deepEqual(chooseView({ choice: "auto", keys: [...keys, "con_s"], screens: ["con_s"], pinned: "con_a" }), {
    view: "speaker",
    featured: "con_a",
  });
  assert.deepEqual(chooseView({ choice: "auto", keys, pinned: "con_gone" }), { view: "grid", featured: null });
  // The grid chosen by the person stays the grid, even with a screen.
  assert.deepEqual(chooseView({ choice: "grid", keys, screens: ["con_a"] }), { view: "grid", featured: null });
});

test("the speaker view follows who speaks, never features ourselves unasked", () => {
  const keys = ["local", "con_a", "con_b"];
  const view = (speaker) => chooseView({ choice: "speaker", keys, speaker, local: "local" });
  assert.deepEqual(view("con_b"), { view: "speaker", featured: "con_b" });
  assert.deepEqual(view("local"), { view: "speaker", featured: "con_a" });
  assert.deepEqual(view(null), { view: "speaker", featured: "con_a" });
  assert.deepEqual(chooseView({ choice: "speaker", keys: ["local"], local: "local" }), {
    view: "grid",
    featured: null,
  });
});

test("a screen comes first, its presenter right beside it", () => {
  const keys = ["local", "con_a", "con_b", "con_b_screen"];
  assert.deepEqual(orderTiles(keys, "con_b_screen", "con_b"), ["con_b_screen", "con_b", "local", "con_a"]);
  assert.deepEqual(orderTiles(keys, "con_a"), ["con_a", "local", "con_b", "con_b_screen"]);
  assert.deepEqual(orderTiles(keys, null), keys);
});
