// Drives a running server with the real openvidu-node-client, as an application server does.
//
//   node drive_node_client.mjs [SERVER_URL [SECRET]]
//   (or OPENVIDU_URL and OPENVIDU_SECRET in the environment)
//
// Asserts as it goes and, when every step passed, prints one JSON line to stdout with the
// ids it saw, for test_node_client.py to look up in the database. A failure exits non-zero
// with the step and the assertion on stderr.

import assert from 'node:assert/strict';

// The client's logger keeps the console.log it finds when it loads, and logs every
// request with it: send that to stderr so stdout carries only the summary.
console.log = console.error;
console.info = console.error;
console.debug = console.error;
const { OpenVidu } = (await import('openvidu-node-client')).default;

const serverUrl = process.argv[2] ?? process.env.OPENVIDU_URL;
const secret = process.argv[3] ?? process.env.OPENVIDU_SECRET;
if (!serverUrl || !secret) {
  console.error('usage: node drive_node_client.mjs SERVER_URL SECRET (or OPENVIDU_URL, OPENVIDU_SECRET)');
  process.exit(2);
}

const CUSTOM_ID = 'compat-room';
const { host } = new URL(serverUrl);
const escapedHost = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const TOKEN = new RegExp(`^ws://${escapedHost}\\?sessionId=${CUSTOM_ID}&token=tok_[A-Za-z0-9]+$`);
const GENERATED_ID = /^ses_[A-Za-z0-9]+$/;

let step = 'start';
const summary = { server: serverUrl, steps: [] };

async function run(name, action) {
  step = name;
  const result = await action();
  summary.steps.push(name);
  return result;
}

function ids(sessions) {
  return sessions.map((session) => session.sessionId);
}

async function main() {
  const openvidu = new OpenVidu(serverUrl, secret);

  const room = await run('createSession custom id', async () => {
    const session = await openvidu.createSession({ customSessionId: CUSTOM_ID });
    assert.equal(session.sessionId, CUSTOM_ID);
    assert.equal(session.properties.customSessionId, CUSTOM_ID);
    assert.equal(session.properties.mediaMode, 'ROUTED');
    assert.equal(session.properties.recordingMode, 'MANUAL');
    assert.equal(typeof session.createdAt, 'number');
    return session;
  });
  summary.customSessionId = room.sessionId;

  await run('createSession same custom id (409, then fetch)', async () => {
    const again = await openvidu.createSession({ customSessionId: CUSTOM_ID });
    assert.equal(again.sessionId, room.sessionId);
    assert.equal(again.createdAt, room.createdAt, 'the existing session, not a new one');
  });

  const generated = await run('createSession without properties', async () => {
    const session = await openvidu.createSession();
    assert.match(session.sessionId, GENERATED_ID);
    assert.notEqual(session.sessionId, CUSTOM_ID);
    return session;
  });
  summary.generatedSessionId = generated.sessionId;

  summary.connections = {};
  for (const role of ['SUBSCRIBER', 'PUBLISHER', 'MODERATOR']) {
    await run(`createConnection ${role}`, async () => {
      const data = JSON.stringify({ role, name: `the ${role.toLowerCase()}` });
      const connection = await room.createConnection({ role, data });
      assert.match(connection.connectionId, /^con_[A-Za-z0-9]+$/);
      assert.equal(connection.status, 'pending');
      assert.equal(connection.role, role);
      assert.equal(connection.connectionProperties.role, role);
      assert.equal(connection.serverData, data);
      assert.equal(connection.connectionProperties.data, data);
      assert.equal(connection.connectionProperties.type, 'WEBRTC');
      assert.equal(connection.connectionProperties.record, true);
      assert.match(connection.token, TOKEN);
      assert.equal(connection.activeAt, null);
      assert.deepEqual(connection.publishers, []);
      assert.deepEqual(connection.subscribers, []);
      summary.connections[role] = { connectionId: connection.connectionId, data };
    });
  }

  await run('createConnection without properties', async () => {
    const connection = await room.createConnection();
    assert.equal(connection.status, 'pending');
    assert.equal(connection.connectionProperties.role, 'PUBLISHER');
    assert.equal(connection.connectionProperties.type, 'WEBRTC');
    assert.equal(connection.serverData, '');
    assert.match(connection.token, TOKEN);
    summary.defaultConnectionId = connection.connectionId;
  });

  const token = await run('generateToken (deprecated)', async () => {
    const value = await room.generateToken({ role: 'PUBLISHER', data: 'x' });
    assert.equal(typeof value, 'string');
    assert.match(value, TOKEN);
    return value;
  });
  summary.token = token;

  await run('session.fetch', async () => {
    const changed = await room.fetch();
    assert.equal(typeof changed, 'boolean');
    // Three roles, one default, one from generateToken: all pending, all listed.
    assert.equal(room.connections.length, 5);
    assert.equal(room.activeConnections.length, 0);
    assert.ok(room.connections.every((connection) => connection.status === 'pending'));
    const fromToken = room.connections.find((connection) => connection.token === token);
    assert.ok(fromToken, 'the connection of the generated token is listed');
    assert.equal(fromToken.connectionProperties.role, 'PUBLISHER');
    assert.equal(fromToken.serverData, 'x');
    summary.tokenConnectionId = fromToken.connectionId;
    for (const [role, { connectionId, data }] of Object.entries(summary.connections)) {
      const listed = room.connections.find((connection) => connection.connectionId === connectionId);
      assert.ok(listed, `${role} connection listed`);
      assert.equal(listed.role, role);
      assert.equal(listed.serverData, data);
    }
  });

  await run('openvidu.fetch', async () => {
    const changed = await openvidu.fetch();
    assert.equal(typeof changed, 'boolean');
    const seen = new Set(ids(openvidu.activeSessions));
    assert.deepEqual(seen, new Set([CUSTOM_ID, generated.sessionId]));
    const stored = openvidu.activeSessions.find((session) => session.sessionId === CUSTOM_ID);
    assert.equal(stored.connections.length, 5);
  });

  await run('forceDisconnect a pending connection', async () => {
    const revoked = await generated.createConnection({ role: 'SUBSCRIBER', data: 'revoked' });
    const kept = await generated.createConnection({ role: 'PUBLISHER', data: 'kept' });
    summary.revokedConnectionId = revoked.connectionId;
    summary.keptConnectionId = kept.connectionId;
    await generated.forceDisconnect(revoked);
    await generated.fetch();
    const listed = generated.connections.map((connection) => connection.connectionId);
    assert.deepEqual(listed, [kept.connectionId]);
    // A second removal of the same connection finds nothing to remove.
    await assert.rejects(generated.forceDisconnect(revoked.connectionId), { message: '404' });
  });

  await run('session.close', async () => {
    await room.close();
    await assert.rejects(room.fetch(), { message: '404' });
    await openvidu.fetch();
    assert.deepEqual(ids(openvidu.activeSessions), [generated.sessionId]);
    await assert.rejects(room.close(), { message: '404' });
  });

  await run('wrong secret', async () => {
    const intruder = new OpenVidu(serverUrl, 'WRONG');
    await assert.rejects(intruder.createSession(), { message: '401' });
    await assert.rejects(intruder.createSession({ customSessionId: 'intruder-room' }), {
      message: '401',
    });
    await assert.rejects(intruder.fetch(), { message: '401' });
  });

  summary.ok = true;
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

try {
  await main();
} catch (error) {
  console.error(`FAILED at step: ${step}`);
  console.error(error);
  process.exitCode = 1;
}
