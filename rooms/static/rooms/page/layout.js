// Where the tiles go on the stage. Pure functions of the stage's size and the number of
// tiles, so they are tested under Node (tests/client/layout.test.mjs); stage.js applies
// them to the page.
//
// Every tile keeps the 16:9 shape of a camera picture: the grid picks the number of
// columns that makes the tiles largest, rather than a fixed table, so 4 people on a
// wide screen are a 2x2 that fills the height and 3 people on a phone are one column.

export const ASPECT = 16 / 9;
export const GAP = 8;

/**
 * The best grid for `count` tiles in a box.
 * @param {{count: number, width: number, height: number, gap?: number, aspect?: number}} box
 * @returns {{columns: number, rows: number, tileWidth: number, tileHeight: number}}
 */
export function gridLayout({ count, width, height, gap = GAP, aspect = ASPECT }) {
  if (count <= 0 || width <= 0 || height <= 0) return { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 };
  let best = null;
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    // A column count that leaves a whole row empty is never better than one less.
    if (columns > 1 && Math.ceil(count / (columns - 1)) === rows) continue;
    const widthPerTile = (width - gap * (columns - 1)) / columns;
    const heightPerTile = (height - gap * (rows - 1)) / rows;
    const tileWidth = Math.floor(Math.max(0, Math.min(widthPerTile, heightPerTile * aspect)));
    if (!best || tileWidth > best.tileWidth) {
      best = { columns, rows, tileWidth, tileHeight: Math.floor(tileWidth / aspect) };
    }
  }
  return best;
}

/**
 * Rectangles ({x, y, width, height}) for `count` tiles in a grid centred in `box`; the
 * last row, when it is short, is centred too.
 * @param {number} count
 * @param {{x?: number, y?: number, width: number, height: number}} box
 */
export function gridRects(count, box, { gap = GAP, aspect = ASPECT } = {}) {
  const { columns, rows, tileWidth, tileHeight } = gridLayout({
    count,
    width: box.width,
    height: box.height,
    gap,
    aspect,
  });
  const x0 = box.x ?? 0;
  const y0 = box.y ?? 0;
  const usedHeight = rows * tileHeight + (rows - 1) * gap;
  const top = y0 + Math.max(0, (box.height - usedHeight) / 2);
  const rects = [];
  for (let index = 0; index < count; index += 1) {
    const row = Math.floor(index / columns);
    const column = index % columns;
    const inRow = row === rows - 1 ? count - row * columns : columns;
    const rowWidth = inRow * tileWidth + (inRow - 1) * gap;
    const left = x0 + Math.max(0, (box.width - rowWidth) / 2);
    rects.push({
      x: Math.round(left + column * (tileWidth + gap)),
      y: Math.round(top + row * (tileHeight + gap)),
      width: tileWidth,
      height: tileHeight,
    });
  }
  return rects;
}

/**
 * The speaker (or presenter) view: the first tile large, the others in a strip beside
 * it: on the right of a wide stage, below a tall one (a phone held upright).
 * @param {number} count
 * @param {{width: number, height: number}} box
 */
export function speakerRects(count, box, { gap = GAP, aspect = ASPECT } = {}) {
  if (count <= 1) return gridRects(count, box, { gap, aspect });
  const others = count - 1;
  const wide = box.width / box.height >= aspect;
  let main;
  let strip;
  if (wide) {
    // A strip a fifth of the width (at least a small tile's), the main tile in the rest.
    const stripWidth = Math.min(Math.max(Math.round(box.width * 0.2), 160), Math.round(box.width / 2));
    main = { x: 0, y: 0, width: box.width - stripWidth - gap, height: box.height };
    strip = { x: box.width - stripWidth, y: 0, width: stripWidth, height: box.height };
  } else {
    const stripHeight = Math.min(Math.max(Math.round(box.height * 0.28), 90), Math.round(box.height / 2));
    main = { x: 0, y: 0, width: box.width, height: box.height - stripHeight - gap };
    strip = { x: 0, y: box.height - stripHeight, width: box.width, height: stripHeight };
  }
  return [...gridRects(1, main, { gap, aspect }), ...gridRects(others, strip, { gap, aspect })];
}

/**
 * Which view, and which tile is large. A pinned tile wins; otherwise a shared screen;
 * otherwise, in the speaker view, whoever spoke last (or the first other person).
 * "auto" is the grid until someone pins a tile or shares a screen.
 * @param {{choice: "auto"|"grid"|"speaker", keys: string[], pinned?: string|null,
 *          screens?: string[], speaker?: string|null, local?: string|null}} state
 * @returns {{view: "grid"|"speaker", featured: string|null}}
 */
export function chooseView({ choice, keys, pinned = null, screens = [], speaker = null, local = null }) {
  if (keys.length <= 1 || choice === "grid") return { view: "grid", featured: null };
  const present = (key) => key !== null && keys.includes(key);
  const screen = screens.find(present) ?? null;
  if (present(pinned)) return { view: "speaker", featured: pinned };
  if (screen) return { view: "speaker", featured: screen };
  if (choice !== "speaker") return { view: "grid", featured: null };
  if (present(speaker) && speaker !== local) return { view: "speaker", featured: speaker };
  return { view: "speaker", featured: keys.find((key) => key !== local) ?? keys[0] };
}

/**
 * The order tiles go on the stage: the featured one first, then, for a screen, its
 * presenter's camera right beside it, then everyone else as they were.
 * @param {string[]} keys
 * @param {string|null} featured
 * @param {string|null} [beside]
 */
export function orderTiles(keys, featured, beside = null) {
  if (!featured || !keys.includes(featured)) return [...keys];
  const first = [featured];
  if (beside && beside !== featured && keys.includes(beside)) first.push(beside);
  return [...first, ...keys.filter((key) => !first.includes(key))];
}
