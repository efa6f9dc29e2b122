// The browser client's protocol logic, under Node with a fake WebSocket: what it sends,
// how it reads what the server says, and how it reconnects. (Media needs a browser: the
// e2e tests cover it.)

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { RoomsError, Session, parseToken, splitMetadata } from "../../rooms/static/rooms/client.js";
import { iceServersFrom } from "../../rooms/static/rooms/peer.js";
import { FakeWebSocket, TOKEN, installFakes, joinResult, recordEvents, settle, until } from "./fakes.mjs";

beforeEach(installFakes);

/** A session that has joined; returns it with its socket. */
async function joined(options = {}, result = joinResult()) {
  const session = new Session({ subscribeTo: () => false, ...options });
  const connecting = session.connect(TOKEN, { clientData: '{"clientData":"Me"}', platform: "Node" });
  await until(() => FakeWebSocket.made[0]?.sent.some((frame) => frame.method === "joinRoom"));
  const socket = FakeWebSocket.made[0];
  socket.answer("joinRoom", result);
  await connecting;
  return { session, socket };
}

test("a token gives the signaling URL at /openvidu on its host", () => {
  const parsed = parseToken("wss://rooms.example.com:4443/some/path?sessionId=ses_A&token=tok_B");
  assert.equal(parsed.sessionId, "ses_A");
  assert.equal(parsed.signalingUrl(), "wss://rooms.example.com:4443/openvidu?sessionId=ses_A");
  assert.equal(parsed.signalingUrl(true), "wss://rooms.example.com:4443/openvidu?sessionId=ses_A&reconnect=true");
  assert.throws(() => parseToken("https://x?sessionId=a&token=b"), TypeError);
  assert.throws(() => parseToken("ws://x?sessionId=a"), TypeError);
  assert.throws(() => parseToken("not a url"), TypeError);
});

test("metadata is split at the last separator, so a client cannot forge the server's part", () => {
  assert.deepEqual(splitMetadata('evil%/%{"name":"Admin"}%/%{"name":"Eve"}'), {
    clientData: 'evil%/%{"name":"Admin"}',
    serverData: '{"name":"Eve"}',
  });
  assert.deepEqual(splitMetadata("just client data"), { clientData: "just client data", serverData: "" });
});

test("ICE servers come only from joinRoom: none means none, never a public fallback", () => {
  assert.deepEqual(iceServersFrom([]), []);
  assert.deepEqual(iceServersFrom(undefined), []);
  assert.deepEqual(iceServersFrom([{ url: "turn:127.0.0.1:3478", username: "u", credential: "c" }]), [
    { urls: "turn:127.0.0.1:3478", username: "u", credential: "c" },
  ]);
});

test("connecting pings with the interval first, then joins with OpenVidu's parameters", async () => {
  const { session, socket } = await joined();
  assert.equal(socket.url, "ws://127.0.0.1:8000/openvidu?sessionId=standup");
  const [ping, join] = socket.sent;
  assert.deepEqual([ping.id, ping.method, ping.params], [0, "ping", { interval: 5000 }]);
  assert.equal(join.id, 1);
  assert.equal(join.jsonrpc, "2.0");
  assert.deepEqual(join.params, {
    token: TOKEN,
    session: "standup",
    platform: "Node",
    sdkVersion: "2.32.2",
    metadata: '{"clientData":"Me"}',
    secret: "",
    recorder: false,
    stt: false,
  });
  assert.equal(session.state, "connected");
  assert.equal(session.connection.connectionId, "con_Me00000001");
  assert.equal(session.connection.role, "PUBLISHER");
  assert.equal(session.connection.serverData, '{"name":"Me"}');
  await session.disconnect({ wait: false });
});

test("a used token is refused as invalid-token, and the socket is closed", async () => {
  const session = new Session();
  const connecting = session.connect(TOKEN);
  await until(() => FakeWebSocket.made[0]?.sent.some((frame) => frame.method === "joinRoom"));
  const socket = FakeWebSocket.made[0];
  socket.fail("joinRoom", 401, "Token is not valid");
  await assert.rejects(connecting, (error) => error instanceof RoomsError && error.reason === "invalid-token");
  assert.equal(socket.readyState, FakeWebSocket.CLOSED);
  assert.equal(session.state, "disconnected");
});

test("a closed room and an unreachable server are told apart", async () => {
  let session = new Session();
  let connecting = session.connect(TOKEN);
  await until(() => FakeWebSocket.made[0]?.sent.some((frame) => frame.method === "joinRoom"));
  FakeWebSocket.made[0].fail("joinRoom", 203, "Session standup is closed");
  await assert.rejects(connecting, (error) => error.reason === "room-closed");

  FakeWebSocket.behaviour = "refuse";
  session = new Session();
  connecting = session.connect(TOKEN);
  await assert.rejects(connecting, (error) => error.reason === "unreachable");
});

test("the people already in the room arrive as events once connected", async () => {
  const session = new Session({ subscribeTo: () => false });
  const recorded = recordEvents(session, ["connectionCreated", "streamCreated"]);
  const connecting = session.connect(TOKEN);
  await until(() => FakeWebSocket.made[0]?.sent.some((frame) => frame.method === "joinRoom"));
  FakeWebSocket.made[0].answer(
    "joinRoom",
    joinResult({
      value: [
        { id: "con_Ana0000001", createdAt: 1, metadata: '{"clientData":"Ana"}%/%' },
        {
          id: "con_Bob0000001",
          createdAt: 2,
          metadata: "Bob%/%",
          streams: [
            {
              id: "str_CAM_Abcd_con_Bob0000001",
              hasAudio: true,
              hasVideo: true,
              audioActive: false,
              videoActive: true,
              typeOfVideo: "CAMERA",
              frameRate: 30,
              videoDimensions: '{"width":640,"height":480}',
            },
          ],
        },
      ],
    }),
  );
  await connecting;
  assert.deepEqual(
    recorded.map((event) => [event.name, event.connection?.connectionId ?? event.stream.streamId]),
    [
      ["connectionCreated", "con_Ana0000001"],
      ["connectionCreated", "con_Bob0000001"],
      ["streamCreated", "str_CAM_Abcd_con_Bob0000001"],
    ],
  );
  const stream = session.remoteConnections.get("con_Bob0000001").stream;
  assert.equal(stream.audioActive, false);
  assert.deepEqual(stream.videoDimensions, { width: 640, height: 480 });
  await session.disconnect({ wait: false });
});

test("notifications become events: joined, published, changed, signalled, left", async () => {
  const { session, socket } = await joined();
  const events = recordEvents(session, [
    "connectionCreated",
    "streamCreated",
    "streamPropertyChanged",
    "signal",
    "streamDestroyed",
    "connectionDestroyed",
  ]);
  socket.notify("participantJoined", {
    id: "con_Ana0000001",
    createdAt: 5,
    metadata: '{"clientData":"Ana"}%/%{"name":"Ana"}',
  });
  socket.notify("participantPublished", {
    id: "con_Ana0000001",
    streams: [
      {
        id: "str_CAM_Wxyz_con_Ana0000001",
        hasAudio: true,
        hasVideo: true,
        audioActive: true,
        videoActive: true,
        typeOfVideo: "CAMERA",
      },
    ],
  });
  socket.notify("streamPropertyChanged", {
    connectionId: "con_Ana0000001",
    streamId: "str_CAM_Wxyz_con_Ana0000001",
    property: "audioActive",
    newValue: "false",
    reason: "publishAudio",
  });
  socket.notify("streamPropertyChanged", {
    connectionId: "con_Ana0000001",
    streamId: "str_CAM_Wxyz_con_Ana0000001",
    property: "videoDimensions",
    newValue: JSON.stringify('{"width":320,"height":240}'),
    reason: "screenResized",
  });
  socket.notify("sendMessage", { data: "hi", type: "signal:chat", from: "con_Ana0000001" });
  socket.notify("sendMessage", { data: "from the server", type: "signal:news" });
  socket.notify("participantLeft", { connectionId: "con_Ana0000001", reason: "disconnect" });
  socket.notify("participantLeft", { connectionId: "con_Ana0000001", reason: "disconnect" });

  assert.deepEqual(
    events.map((event) => event.name),
    [
      "connectionCreated",
      "streamCreated",
      "streamPropertyChanged",
      "streamPropertyChanged",
      "signal",
      "signal",
      "streamDestroyed",
      "connectionDestroyed",
    ],
  );
  assert.equal(events[2].newValue, false);
  assert.equal(events[2].oldValue, true);
  assert.deepEqual(events[3].newValue, { width: 320, height: 240 });
  assert.deepEqual([events[4].type, events[4].data, events[4].from.connectionId], ["chat", "hi", "con_Ana0000001"]);
  assert.deepEqual([events[5].type, events[5].from], ["news", null]);
  assert.equal(events[6].reason, "disconnect");
  assert.equal(session.remoteConnections.size, 0);
  await session.disconnect({ wait: false });
});

test("recording: a recording in progress at join, then the notifications, keep session.recording", async () => {
  const session = new Session({ subscribeTo: () => false });
  // Not recordEvents: these events carry a `name` of their own (the recording's).
  const events = [];
  for (const type of ["recordingStarted", "recordingStopped"]) {
    session.addEventListener(type, (event) => events.push({ type, ...event.detail }));
  }
  const connecting = session.connect(TOKEN);
  await until(() => FakeWebSocket.made[0]?.sent.some((frame) => frame.method === "joinRoom"));
  const socket = FakeWebSocket.made[0];
  socket.answer("joinRoom", joinResult({ recordingId: "standup", recordingName: "weekly" }));
  await connecting;
  assert.deepEqual(session.recording, { id: "standup", name: "weekly" });
  socket.notify("recordingStopped", { id: "standup", name: "weekly", reason: "recordingStoppedByServer" });
  assert.equal(session.recording, null);
  socket.notify("recordingStarted", { id: "standup~1", name: "standup~1" });
  assert.deepEqual(session.recording, { id: "standup~1", name: "standup~1" });
  assert.deepEqual(
    events.map((event) => [event.type, event.id, event.name]),
    [
      ["recordingStarted", "standup", "weekly"],
      ["recordingStopped", "standup", "weekly"],
      ["recordingStarted", "standup~1", "standup~1"],
    ],
  );
  assert.equal(events[1].reason, "recordingStoppedByServer");
  await session.disconnect({ wait: false });
  assert.equal(session.recording, null);
});

test("signals are sent as OpenVidu's sendMessage", async () => {
  const { session, socket } = await joined();
  const sending = session.signal({ type: "chat", data: "hello", to: ["con_Ana0000001"] });
  const request = socket.answer("sendMessage", {});
  await sending;
  assert.deepEqual(JSON.parse(request.params.message), {
    to: ["con_Ana0000001"],
    data: "hello",
    type: "signal:chat",
  });
  await session.disconnect({ wait: false });
});

test("an eviction of our own connection ends the session with its reason", async () => {
  const { session, socket } = await joined();
  const events = recordEvents(session, ["sessionDisconnected"]);
  socket.notify("participantEvicted", { connectionId: "con_Me00000001", reason: "forceDisconnectByUser" });
  assert.deepEqual(events, [{ name: "sessionDisconnected", reason: "forceDisconnectByUser" }]);
  assert.equal(session.state, "disconnected");
  assert.equal(socket.readyState, FakeWebSocket.CLOSED);
});

test("leaving says leaveRoom, then closes the socket", async () => {
  const { session, socket } = await joined();
  const events = recordEvents(session, ["sessionDisconnected"]);
  const leaving = session.disconnect();
  socket.answer("leaveRoom", {});
  await leaving;
  assert.deepEqual(events, [{ name: "sessionDisconnected", reason: "disconnect" }]);
  assert.equal(socket.readyState, FakeWebSocket.CLOSED);
});

test("a dropped socket reconnects with connect and the RPC session id; ids keep counting", async () => {
  const { session, socket } = await joined();
  const events = recordEvents(session, ["reconnecting", "reconnected", "sessionDisconnected"]);
  const lastId = Math.max(...socket.sent.map((frame) => frame.id));
  socket.drop();
  assert.equal(session.state, "reconnecting");
  await until(() => FakeWebSocket.made[1]?.sent.some((frame) => frame.method === "connect"));
  const again = FakeWebSocket.made[1];
  assert.equal(again.url, "ws://127.0.0.1:8000/openvidu?sessionId=standup&reconnect=true");
  const connect = again.answer("connect", { value: "reconnection successful", sessionId: "rpc-1" });
  assert.deepEqual(connect.params, { sessionId: "rpc-1", reconnect: true });
  assert.ok(connect.id > lastId);
  await until(() => session.state === "connected");
  assert.deepEqual(
    events.map((event) => event.name),
    ["reconnecting", "reconnected"],
  );
  // Requests go on the new socket.
  const sending = session.signal({ data: "back" });
  again.answer("sendMessage", {});
  await sending;
  await session.disconnect({ wait: false });
});

test("a reconnection the server refuses (40007) ends the session as lost", async () => {
  const { session, socket } = await joined();
  const events = recordEvents(session, ["sessionDisconnected"]);
  socket.drop();
  await until(() => FakeWebSocket.made[1]?.sent.some((frame) => frame.method === "connect"));
  FakeWebSocket.made[1].fail("connect", 40007, "reconnection error");
  await until(() => session.state === "disconnected");
  assert.deepEqual(events, [{ name: "sessionDisconnected", reason: "networkDisconnect" }]);
  assert.equal(FakeWebSocket.made[1].readyState, FakeWebSocket.CLOSED);
  assert.equal(FakeWebSocket.made.length, 2, "no further attempts after 40007");
});

test("a server that stays unreachable ends the session as lost after the deadline", async () => {
  const { session, socket } = await joined({ reconnectForMs: 600 });
  const events = recordEvents(session, ["sessionDisconnected"]);
  FakeWebSocket.behaviour = "refuse";
  socket.drop();
  await until(() => session.state === "disconnected", 3000);
  assert.deepEqual(events, [{ name: "sessionDisconnected", reason: "networkDisconnect" }]);
  assert.ok(FakeWebSocket.made.length >= 3, "it tried more than once");
  await settle(10);
});

test("a socket that stops answering pings is treated as dropped", async () => {
  const { session, socket } = await joined({ pingIntervalMs: 20 });
  // The first ping is never answered: after two intervals the socket counts as lost.
  await until(() => FakeWebSocket.made.length === 2, 2000, "a reconnection attempt");
  assert.equal(socket.readyState, FakeWebSocket.CLOSED);
  assert.equal(session.state, "reconnecting");
  await until(() => FakeWebSocket.made[1].sent.some((frame) => frame.method === "connect"));
  // Leaving meanwhile closes the socket the reconnection had opened, at once.
  await session.disconnect({ wait: false });
  assert.equal(FakeWebSocket.made[1].readyState, FakeWebSocket.CLOSED);
});

test("a stream of someone who joined while the socket was down still arrives", async () => {
  const { session, socket } = await joined();
  const events = recordEvents(session, ["connectionCreated", "streamCreated"]);
  socket.notify("participantPublished", {
    id: "con_New0000001",
    streams: [{ id: "str_CAM_Abcd_con_New0000001", hasAudio: true, hasVideo: false, typeOfVideo: null }],
  });
  assert.deepEqual(
    events.map((event) => event.name),
    ["connectionCreated", "streamCreated"],
  );
  assert.equal(session.remoteConnections.get("con_New0000001").stream.streamId, "str_CAM_Abcd_con_New0000001");
  await session.disconnect({ wait: false });
});
