// The recording methods of the real openvidu-node-client against a live server, on a
// session where a browser is already publishing. Prints one JSON summary line.
import assert from "node:assert/strict";
import { OpenVidu } from "openvidu-node-client";

const [url, secret, sessionId] = process.argv.slice(2);
console.log = console.error; // the client logs on stdout; the summary owns it
const ov = new OpenVidu(url, secret);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const started = await ov.startRecording(sessionId, {
  name: "compat-recording",
  outputMode: "COMPOSED",
  resolution: "640x480",
  frameRate: 25,
  hasAudio: true,
  hasVideo: true,
});
assert.equal(started.status, "started");
assert.equal(started.properties.name, "compat-recording");
assert.equal(started.properties.resolution, "640x480");
assert.equal(started.sessionId, sessionId);

await assert.rejects(ov.startRecording(sessionId), /409/); // one at a time

await sleep(2500);
const stopped = await ov.stopRecording(started.id);
assert.equal(stopped.status, "ready");
assert.ok(stopped.url.endsWith(`/openvidu/recordings/${started.id}/compat-recording.mp4`));
assert.ok(stopped.duration > 1);
assert.ok(stopped.size > 0);

const fetched = await ov.getRecording(started.id);
assert.equal(fetched.status, "ready");
const listed = await ov.listRecordings();
assert.deepEqual(listed.map((recording) => recording.id), [started.id]);

await ov.deleteRecording(started.id);
await assert.rejects(ov.getRecording(started.id), /404/);
await assert.rejects(ov.deleteRecording(started.id), /404/);

process.stdout.write(
  JSON.stringify({ id: started.id, duration: stopped.duration, size: stopped.size, url: stopped.url }) + "\n",
);
