import type { EngineSet } from "../../engines/types.js";
import type { Logger } from "../../lib/logger.js";
import type { AgentDefinition } from "../definition.js";
import type { ToolServices } from "../tools/index.js";
import type { LiveTurnSettings } from "../turn-taking/settings.js";
import type { PhraseCache } from "./speaker.js";
import type { CallAudio, CallControl, TurnRecord } from "./types.js";

/** What a live conversation is given: its agent, engines, line, control of the call, and where its turns go. */
export interface ConversationDeps {
  agent: AgentDefinition;
  engines: Pick<EngineSet, "vad" | "asrStreaming" | "llm" | "tts">;
  audio: CallAudio;
  control: CallControl;
  toolServices: ToolServices;
  callId: string;
  caller: string | null;
  logger: Logger;
  /** Caller audio this many dB under our own level while we play is echo (see Listener). */
  echoMarginDb: number;
  /** Each turn as it completes (call records, metrics). */
  onTurn?: (turn: TurnRecord) => void;
  /**
   * A keypad entry of a sensitive step (agent.live.keypad.sensitive) starts
   * (first key) or ends (# or the pause after the last key): the call pauses
   * or silences its recording in between.
   */
  onSensitiveKeypad?: (phase: "start" | "end") => void;
  /**
   * End of turn and speculative replies (agent/turn-taking/settings.ts); default: silence alone at the agent's
   * endpointSilenceMs, no speculation.
   */
  turn?: LiveTurnSettings;
  /**
   * The TTS cache the fixed phrases play from (greeting, filler, fallback line, reprompt, goodbye): rendered once
   * per voice and text, reused across calls. Without it they are synthesised live, like replies.
   */
  phrases?: PhraseCache | null;
  /** The greeting was made for this call (a callback names its reason): synthesised live, never cached. */
  greetingMadeForCall?: boolean;
}
