import type { CallAudio } from "../agent/conversation/types.js";
import type { RtpSession } from "../rtp/index.js";

/** The call's RTP session as the conversation sees it: caller frames in, agent audio out. */
export function rtpAudio(rtp: RtpSession, frames: CallAudio["frames"]): CallAudio {
  return {
    frames,
    play: (source, o) => rtp.play(source, o),
    clearPlayback: () => rtp.clearPlayback(),
    get playing() {
      return rtp.playing;
    },
    get inputDelayMs() {
      return rtp.inputDelayMs;
    },
  };
}
