// The moments in between (rooms/static/rooms/page/{hands,reactions,announcer,waiting}.js)
// under Node: raised hands and reactions as OpenVidu signals through a real Session and a
// fake WebSocket, the notices' words, and the waiting room's polling with a fake fetch.

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { Session } from "../../rooms/static/rooms/client.js";
import { Announcer } from "../../rooms/static/rooms/page/announcer.js";
import { HAND_SIGNAL, Hands, parseHand } from "../../rooms/static/rooms/page/hands.js";
import { REACTION_SIGNAL, Reactions, parseReaction } from "../../rooms/static/rooms/page/reactions.js";
import { OwnerWaitingRoom, waitForSeat } from "../../rooms/static/rooms/page/waiting.js";
import { FakeWebSocket, TOKEN, installFakes, joinResult, settle, until } from "./fakes.mjs";

beforeEach(installFakes);

const ME = "con_Me00000001";
const ANA = "con_Ana0000001";
const BOB = "con_Bob0000001";
const peer = (id, name, createdAt = 0) => ({
  id,
  createdAt,
  metadata: `{"clientData":"${name}"}%/%{"name":"${name}"}`,
});

async function joined(result = {}) {
  const session = new Session({ subscribeTo: () => false });
  const connecting = session.connect(TOKEN, { clientData: '{"clientData":"Me"}', platform: "Node" });
  await until(() => FakeWebSocket.made[0]?.sent.some((frame) => frame.method === "joinRoom"));
  const socket = FakeWebSocket.made[0];
  socket.answer("joinRoom", joinResult({ createdAt: 100, value: [peer(ANA, "Ana", 50)], ...result }));
  await connecting;
  return { session, socket };
}

/** The sendMessage requests sent so far, answered, as {to, data, type}. */
function sentSignals(socket) {
  const signals = [];
  for (const frame of socket.sent.filter((each) => each.method === "sendMessage")) {
    signals.push(JSON.parse(frame.params.message));
  }
  return signals;
}

function answerSignals(socket) {
  for (const frame of socket.sent.filter((each) => each.method === "sendMessage")) {
    socket._answered ??= new Set();
    if (!socket._answered.has(frame.id)) socket.answer("sendMessage", {});
  }
}

const hand = (socket, from, data) =>
  socket.notify("sendMessage", { type: `signal:${HAND_SIGNAL}`, data: JSON.stringify(data), from });

test("a hand signal's data is read strictly", () => {
  assert.deepEqual(parseHand('{"raised":true}'), { raised: true, connectionId: null });
  assert.deepEqual(parseHand(`{"raised":false,"connectionId":"${ANA}"}`), { raised: false, connectionId: ANA });
  for (const bad of ["", "up", "true", '{"raised":"yes"}', "[true]", "null"]) assert.equal(parseHand(bad), null);
});

test("raising a hand is a signal:hand to everyone, and the echo puts it up", async () => {
  const { session, socket } = await joined();
  const changes = [];
  const hands = new Hands(session, (change) => changes.push(change));
  const raising = hands.raise();
  await until(() => sentSignals(socket).length === 1);
  answerSignals(socket);
  await raising;
  assert.deepEqual(sentSignals(socket), [{ to: [], data: '{"raised":true}', type: "signal:hand" }]);
  assert.equal(hands.mine, false, "up only when the room says so");
  hand(socket, ME, { raised: true });
  assert.equal(hands.mine, true);
  assert.deepEqual(hands.raised(), [ME]);
  assert.deepEqual(
    changes.map(({ connectionId, raised }) => [connectionId, raised]),
    [[ME, true]],
  );
  hands.detach();
  await session.disconnect({ wait: false });
});

test("others' hands go up and down in order; a moderator lowers someone else's", async () => {
  const { session, socket } = await joined();
  const changes = [];
  const hands = new Hands(session, ({ connectionId, raised, by }) =>
    changes.push([connectionId, raised, by ? by.connectionId : null]),
  );
  socket.notify("participantJoined", peer(BOB, "Bob", 200));
  hand(socket, BOB, { raised: true });
  hand(socket, ANA, { raised: true });
  hand(socket, ANA, { raised: true }); // again: no change
  assert.deepEqual(hands.raised(), [BOB, ANA]);
  // Someone may lower another's hand (the page offers it to moderators only)...
  hand(socket, ANA, { raised: false, connectionId: BOB });
  // ...but nobody raises another's: the hand that goes up is always the sender's.
  hand(socket, BOB, { raised: true, connectionId: ANA });
  assert.deepEqual(hands.raised(), [ANA, BOB]);
  // Unknown people, server signals and other types change nothing.
  hand(socket, "con_Nobody0001", { raised: true });
  socket.notify("sendMessage", { type: "signal:hand", data: '{"raised":true}' });
  socket.notify("sendMessage", { type: "signal:chat", data: '{"raised":false}', from: ANA });
  hand(socket, ANA, { raised: false, connectionId: "con_Nobody0001" });
  assert.deepEqual(hands.raised(), [ANA, BOB]);
  // Leaving lowers the hand.
  socket.notify("participantLeft", { connectionId: ANA, reason: "disconnect" });
  assert.deepEqual(hands.raised(), [BOB]);
  assert.deepEqual(changes, [
    [BOB, true, BOB],
    [ANA, true, ANA],
    [BOB, false, ANA],
    [BOB, true, BOB],
    [ANA, false, null],
  ]);
  hands.detach();
  await session.disconnect({ wait: false });
});

test("our lowered hand, by us or by a moderator, and newcomers told of a raised one", async () => {
  const { session, socket } = await joined();
  const hands = new Hands(session, () => {});
  hand(socket, ME, { raised: true });
  // Signals are not replayed: someone who joins now hears of our hand from us alone.
  socket.notify("participantJoined", peer(BOB, "Bob", 200));
  socket.notify("participantJoined", {
    id: "con_BobScreen01",
    createdAt: 201,
    metadata: `{"clientData":"Bob"}%/%{"name":"Bob","screenOf":"${BOB}"}`,
  });
  await until(() => sentSignals(socket).length === 1);
  answerSignals(socket);
  assert.deepEqual(sentSignals(socket), [{ to: [BOB], data: '{"raised":true}', type: "signal:hand" }]);
  // A moderator lowers it.
  hand(socket, ANA, { raised: false, connectionId: ME });
  assert.equal(hands.mine, false);
  hand(socket, ME, { raised: true });
  const lowering = hands.lower();
  await until(() => sentSignals(socket).length === 2);
  answerSignals(socket);
  await lowering;
  assert.deepEqual(sentSignals(socket)[1], { to: [], data: '{"raised":false}', type: "signal:hand" });
  const loweringBob = hands.lower(BOB);
  await until(() => sentSignals(socket).length === 3);
  answerSignals(socket);
  await loweringBob;
  assert.deepEqual(JSON.parse(sentSignals(socket)[2].data), { raised: false, connectionId: BOB });
  hands.detach();
  await session.disconnect({ wait: false });
});

test("reactions are signal:reaction with the emoji as data; others are ignored", async () => {
  const { session, socket } = await joined();
  const seen = [];
  const reactions = new Reactions(session, (reaction, from) => seen.push([reaction.label, from.connectionId]));
  const sending = reactions.send("👏");
  await until(() => sentSignals(socket).length === 1);
  answerSignals(socket);
  await sending;
  assert.deepEqual(sentSignals(socket), [{ to: [], data: "👏", type: "signal:reaction" }]);
  await assert.rejects(reactions.send("<script>"), TypeError);
  const react = (data, from = ANA) => socket.notify("sendMessage", { type: `signal:${REACTION_SIGNAL}`, data, from });
  react("👏", ME);
  react("👍");
  react("💩");
  react("👍👍");
  socket.notify("sendMessage", { type: "signal:reaction", data: "👍" });
  socket.notify("sendMessage", { type: "signal:chat", data: "👍", from: ANA });
  assert.deepEqual(seen, [
    ["Applause", ME],
    ["Thumbs up", ANA],
  ]);
  assert.equal(parseReaction("❤️").label, "Heart");
  reactions.detach();
  react("👍");
  assert.equal(seen.length, 2);
  await session.disconnect({ wait: false });
});

test("the notices tell arrivals, departures, screens and recording, not who was already there", async () => {
  const session = new Session({ subscribeTo: () => false });
  const said = [];
  const announcer = new Announcer(session, (text) => said.push(text));
  const connecting = session.connect(TOKEN, { clientData: '{"clientData":"Me"}', platform: "Node" });
  await until(() => FakeWebSocket.made[0]?.sent.some((frame) => frame.method === "joinRoom"));
  const socket = FakeWebSocket.made[0];
  socket.answer("joinRoom", joinResult({ createdAt: 100, value: [peer(ANA, "Ana", 50)] }));
  await connecting;
  socket.notify("participantJoined", peer(BOB, "Bob", 200));
  const screen = "con_BobScreen01";
  socket.notify("participantJoined", {
    id: screen,
    createdAt: 210,
    metadata: `{"clientData":"Bob"}%/%{"name":"Bob","screenOf":"${BOB}"}`,
  });
  socket.notify("participantPublished", {
    id: screen,
    streams: [{ id: `str_SCR_A_${screen}`, createdAt: 211, hasVideo: true, typeOfVideo: "SCREEN" }],
  });
  socket.notify("recordingStarted", { id: "standup", name: "standup" });
  socket.notify("participantUnpublished", { connectionId: screen, reason: "unpublish" });
  socket.notify("participantLeft", { connectionId: screen, reason: "disconnect" });
  socket.notify("recordingStopped", { id: "standup", name: "standup", reason: "recordingStoppedByServer" });
  socket.notify("participantEvicted", { connectionId: BOB, reason: "forceDisconnectByUser" });
  socket.notify("participantLeft", { connectionId: ANA, reason: "networkDisconnect" });
  assert.deepEqual(said, [
    "Bob joined.",
    "Bob started sharing their screen.",
    "The room is being recorded.",
    "Bob stopped sharing their screen.",
    "The recording stopped.",
    "Bob was removed by a moderator.",
    "Ana lost their connection.",
  ]);
  announcer.detach();
  await session.disconnect({ wait: false });
});

/** A fetch that answers from a list of [status, body], recording the requests. */
function fakeFetch(answers) {
  const requests = [];
  globalThis.fetch = async (url, options = {}) => {
    requests.push({ url, method: options.method ?? "GET", body: options.body?.toString() });
    const [status, body] = answers.length > 1 ? answers.shift() : answers[0];
    return { ok: status >= 200 && status < 300, status, json: async () => body };
  };
  return requests;
}

const CONFIG = { tokenUrl: "/rooms/board/token", waitingUrl: "/rooms/board/waiting", csrfToken: "csrf" };

test("a person waits while the endpoint answers 202, then gets the seat", async () => {
  const requests = fakeFetch([
    [202, { waiting: true, message: "Please wait…" }],
    [202, { waiting: true, message: "Still waiting…" }],
    [200, { token: "tok", name: "Mia" }],
  ]);
  const told = [];
  const seat = await waitForSeat(CONFIG, { name: "Mia" }, { onWaiting: (text) => told.push(text), pollMs: 1 });
  assert.deepEqual(seat, { token: "tok", name: "Mia" });
  assert.deepEqual(told, ["Please wait…", "Still waiting…"]);
  assert.equal(requests.length, 3);
  assert.ok(requests.every((request) => request.method === "POST" && request.body === "name=Mia"));
});

test("a refusal ends the wait in words; stopping the wait too", async () => {
  fakeFetch([
    [202, { waiting: true, message: "Please wait…" }],
    [403, { error: "The room's owner did not let you in.", refused: true }],
  ]);
  await assert.rejects(waitForSeat(CONFIG, { name: "Mia" }, { pollMs: 1 }), {
    reason: "seat",
    status: 403,
    message: "The room's owner did not let you in.",
  });
  const requests = fakeFetch([[202, { waiting: true, message: "Please wait…" }]]);
  const controller = new AbortController();
  const waiting = waitForSeat(CONFIG, { name: "Mia" }, { signal: controller.signal, pollMs: 60000 });
  await until(() => requests.length === 1);
  controller.abort();
  await assert.rejects(waiting, { message: "You stopped waiting to join." });
  // The request is withdrawn, so the owner does not admit someone who has gone.
  assert.deepEqual(
    requests.map((request) => [request.method, request.url]),
    [
      ["POST", CONFIG.tokenUrl],
      ["DELETE", CONFIG.waitingUrl],
    ],
  );
});

test("the owner's list is polled, and an answer is posted with the CSRF token", async () => {
  const people = [{ id: 7, name: "Mia", user: "mia" }];
  const requests = fakeFetch([
    [200, { waiting: people }],
    [200, { id: 7, state: "admitted" }],
    [200, { waiting: [] }],
  ]);
  const lists = [];
  const room = new OwnerWaitingRoom(CONFIG, (list) => lists.push(list), { pollMs: 60000 });
  room.start();
  await until(() => lists.length === 1);
  assert.equal(await room.decide(7, true), "admitted");
  assert.deepEqual(lists, [people, []]);
  assert.deepEqual(requests[1], { url: CONFIG.waitingUrl, method: "POST", body: '{"id":7,"action":"admit"}' });
  room.stop();
  fakeFetch([[404, { error: "Nobody with that request is waiting to join this room." }]]);
  await assert.rejects(room.decide(8, false), { message: "Nobody with that request is waiting to join this room." });
  await settle();
});
