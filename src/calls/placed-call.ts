import type { RecordingGate } from "./recording-gate.js";
import type { EngineSet } from "../engines/types.js";
import type { RtpSession } from "../rtp/index.js";
import type { SipCall } from "../sip/index.js";
import type { CallRecord } from "../store/repos/calls-repo.js";
import type { CallRecorder } from "./recorder.js";
import type { FrameFanout } from "./frame-fanout.js";

/** An answered call with its media running, as CallManager hands it to a script. */
export interface PlacedCall {
  record: CallRecord;
  call: SipCall;
  rtp: RtpSession;
  engines: EngineSet;
  /** The caller's frames, for the script to read (`attach()`); the recording, when on, taps them first. */
  fanout: FrameFanout;
  /** The call's recording (agent live.record or calls.recordAll), closed by `finish` or the live session. */
  recorder: CallRecorder | null;
  /** The recording's gate: a sensitive step pauses or silences the recording through it. */
  gate: RecordingGate | null;
}
