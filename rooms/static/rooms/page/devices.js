// Cameras and microphones: opening them with the chosen devices, listing them, and
// saying in words why they could not be opened.

export class MediaProblem extends Error {}

/** Words for a getUserMedia or getDisplayMedia failure. */
export function mediaErrorWords(error) {
  switch (error?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Your browser blocks the camera and microphone for this page. Allow them in the site settings (the icon next to the address), then reload — or join without them.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No camera or microphone was found.";
    case "NotReadableError":
    case "AbortError":
      return "The camera or microphone is in use by another program, or it failed to start.";
    case "MediaProblem":
      return error.message;
    default:
      return `The camera and microphone could not be opened (${error?.message ?? error}).`;
  }
}

function constraint(deviceId) {
  return deviceId ? { deviceId: { exact: deviceId } } : true;
}

/**
 * Open the camera and the microphone. What cannot be opened is left out and explained:
 * resolves with {stream, problem}, where problem is words or null. Never rejects.
 * @param {{cameraId?: string, microphoneId?: string, video?: boolean, audio?: boolean}} options
 */
export async function openMedia({ cameraId, microphoneId, video = true, audio = true } = {}) {
  if (!navigator.mediaDevices?.getUserMedia) {
    return {
      stream: new MediaStream(),
      problem: "This page can use the camera only over a secure connection (https).",
    };
  }
  if (!video && !audio) return { stream: new MediaStream(), problem: null };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: video && constraint(cameraId),
      audio: audio && constraint(microphoneId),
    });
    return { stream, problem: null };
  } catch (error) {
    if (!(video && audio) || error.name === "NotAllowedError" || error.name === "SecurityError") {
      return { stream: new MediaStream(), problem: mediaErrorWords(error) };
    }
    // One of the two may work alone (a laptop whose camera another program holds).
    const tracks = [];
    const problems = [];
    for (const kind of ["audio", "video"]) {
      try {
        const single = await navigator.mediaDevices.getUserMedia({
          [kind]: constraint(kind === "video" ? cameraId : microphoneId),
        });
        tracks.push(...single.getTracks());
      } catch (failure) {
        problems.push(kind === "video" ? "camera" : "microphone");
        if (problems.length === 2) return { stream: new MediaStream(), problem: mediaErrorWords(failure) };
      }
    }
    return {
      stream: new MediaStream(tracks),
      problem: `The ${problems[0]} could not be opened: you will join without it.`,
    };
  }
}

/** The cameras and microphones the browser lets this page see. */
export async function listDevices() {
  if (!navigator.mediaDevices?.enumerateDevices) return { cameras: [], microphones: [] };
  const devices = await navigator.mediaDevices.enumerateDevices();
  const named = (kind, label) =>
    devices
      .filter((device) => device.kind === kind && device.deviceId)
      .map((device, index) => ({ id: device.deviceId, label: device.label || `${label} ${index + 1}` }));
  return { cameras: named("videoinput", "Camera"), microphones: named("audioinput", "Microphone") };
}

/** Stop every track of a stream (a preview that is no longer shown, a failed publish). */
export function stopStream(stream) {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
