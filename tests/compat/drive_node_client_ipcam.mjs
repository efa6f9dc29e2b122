// openvidu-node-client's IP cameras: createConnection({type: 'IPCAM', rtspUri}).
//
//   node drive_node_client_ipcam.mjs SERVER_URL SECRET CAMERA_URI UNREACHABLE_URI
//
// Prints one JSON line with what the client saw; a failed assertion exits non-zero.

import assert from 'node:assert/strict';

console.log = console.error;
console.info = console.error;
console.debug = console.error;
const { OpenVidu, ConnectionType } = (await import('openvidu-node-client')).default;

const [serverUrl, secret, cameraUri, unreachableUri] = process.argv.slice(2);
const ov = new OpenVidu(serverUrl, secret);
const session = await ov.createSession({ customSessionId: 'cameras' });

const camera = await session.createConnection({
  type: ConnectionType.IPCAM,
  rtspUri: cameraUri,
  adaptativeBitrate: false,
  onlyPlayWithSubscribers: false,
  networkCache: 1000,
  data: 'front door',
});
assert.match(camera.connectionId, /^ipc_IPCAM_http_/);
assert.equal(camera.status, 'active');
assert.equal(camera.connectionProperties.type, 'IPCAM');
assert.equal(camera.connectionProperties.rtspUri, cameraUri);
assert.equal(camera.connectionProperties.adaptativeBitrate, false);
assert.equal(camera.connectionProperties.onlyPlayWithSubscribers, false);
assert.equal(camera.connectionProperties.networkCache, 1000);
assert.equal(camera.serverData, 'front door');
assert.equal(camera.publishers.length, 1);
assert.equal(camera.publishers[0].typeOfVideo, 'IPCAM');

await session.fetch();
assert.deepEqual(
  session.connections.map((connection) => connection.connectionId),
  [camera.connectionId],
);
assert.equal(session.activeConnections.length, 1);

// A stream of a camera is not unpublished alone: 405, as openvidu-server.
await assert.rejects(session.forceUnpublish(camera.publishers[0].streamId), /405/);

await assert.rejects(
  session.createConnection({ type: ConnectionType.IPCAM, rtspUri: unreachableUri }),
  /400/,
);

// The camera was the last participant: the session closes with it, as openvidu-server's.
await session.forceDisconnect(camera);
await assert.rejects(session.fetch(), /404/);

process.stdout.write(
  `${JSON.stringify({ ok: true, connectionId: camera.connectionId, streamId: camera.publishers[0].streamId })}\n`,
);
