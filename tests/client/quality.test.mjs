// A tile's connection quality (rooms/static/rooms/page/quality.js) from getStats
// readings: the differences between two readings, and the words they make.

import assert from "node:assert/strict";
import { test } from "node:test";

import { grade, readStats } from "../../rooms/static/rooms/page/quality.js";

const report = (...entries) => new Map(entries.map((entry, index) => [`s${index}`, entry]));

const received = ({ packets, lost, frames }) =>
  report(
    { type: "inbound-rtp", kind: "video", packetsReceived: packets, packetsLost: lost, framesDecoded: frames },
    { type: "inbound-rtp", kind: "audio", packetsReceived: packets, packetsLost: 0 },
    { type: "candidate-pair", nominated: true, state: "succeeded", currentRoundTripTime: 0.04 },
    { type: "candidate-pair", nominated: false, state: "waiting", currentRoundTripTime: 3 },
  );

test("a reading is the difference since the previous one", () => {
  const first = readStats(received({ packets: 1000, lost: 10, frames: 300 }), null, 0);
  assert.equal(first.fps, null);
  const second = readStats(received({ packets: 1490, lost: 20, frames: 360 }), first.counters, 2000);
  // 980 new packets arrived (490 video + 490 audio) and 10 were lost.
  assert.ok(Math.abs(second.loss - 10 / 990) < 1e-9);
  assert.equal(second.fps, 30);
  assert.equal(second.rtt, 0.04);
});

test("a publication is read from what the server reports back and the frames sent", () => {
  const sent = (frames) =>
    report(
      { type: "outbound-rtp", kind: "video", framesEncoded: frames },
      { type: "remote-inbound-rtp", kind: "video", fractionLost: 0.2, roundTripTime: 0.05 },
    );
  const first = readStats(sent(100), null, 0);
  const second = readStats(sent(110), first.counters, 1000);
  assert.equal(second.loss, 0.2);
  assert.equal(second.rtt, 0.05);
  assert.equal(second.fps, 10);
});

test("the words: good, unsteady, poor, and frozen video is poor", () => {
  assert.equal(grade({ loss: 0, rtt: 0.05, fps: 30, expectVideo: true }), "good");
  assert.equal(grade({ loss: 0.05, rtt: 0.05, fps: 30, expectVideo: true }), "fair");
  assert.equal(grade({ loss: 0, rtt: 0.5, fps: 30, expectVideo: true }), "fair");
  assert.equal(grade({ loss: 0.2, rtt: 0.05, fps: 30, expectVideo: true }), "poor");
  assert.equal(grade({ loss: 0, rtt: 0.05, fps: 0, expectVideo: true }), "poor");
  // A camera turned off sends no frames: that is not a bad connection.
  assert.equal(grade({ loss: 0, rtt: 0.05, fps: 0, expectVideo: false }), "good");
  assert.equal(grade({ loss: null, rtt: null, fps: null, expectVideo: true }), "unknown");
});
