// Who a connection is on the room page (rooms/static/rooms/page/names.js), for each of
// OpenVidu's data cases: only the part after the last "%/%" is the server's, and data
// without a separator is the client's, never server data.

import assert from "node:assert/strict";
import { test } from "node:test";

import { Connection } from "../../rooms/static/rooms/client.js";
import { seatOf } from "../../rooms/static/rooms/page/names.js";

const seat = (metadata) => seatOf(new Connection({ connectionId: "con_A", createdAt: 1, metadata }));

test("a page seat (both parts) is named by its server data", () => {
  assert.deepEqual(seat('{"clientData":"Typed"}%/%{"name":"Ana Lima"}'), { name: "Ana Lima", screenOf: null });
  assert.deepEqual(seat('{"clientData":"Ana","screen":true}%/%{"name":"Ana","screenOf":"con_B"}'), {
    name: "Ana",
    screenOf: "con_B",
  });
});

test("client data alone names a guest and can claim nothing of the server's", () => {
  assert.deepEqual(seat('{"clientData":"Zoë 李"}'), { name: "Zoë 李", screenOf: null });
  assert.deepEqual(seat('{"name":"Admin","screenOf":"con_B"}'), { name: "Guest", screenOf: null });
  assert.deepEqual(seat("Bob"), { name: "Bob", screenOf: null });
});

test("no data at all is a guest", () => {
  assert.deepEqual(seat(""), { name: "Guest", screenOf: null });
  assert.deepEqual(seat(undefined), { name: "Guest", screenOf: null });
});
