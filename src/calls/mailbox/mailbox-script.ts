import { readFile } from "node:fs/promises";
import { float32ToInt16, parseWav, resample } from "../../audio/index.js";
import { Speaker, voiceOf } from "../../agent/conversation/speaker.js";
import type { MailboxSettings } from "../../agent/definition.js";
import { ConfigError, describeError } from "../../lib/errors.js";
import type { InboundCall } from "../../sip/index.js";
import { CallsRepo } from "../../store/repos/calls-repo.js";
import type { CallScript, ScriptedCall } from "../call-script.js";
import type { CallsDeps } from "../deps.js";
import { takeMessage } from "../message-taker.js";
import { rtpAudio } from "../rtp-audio.js";
import { callerOf, mailboxOf } from "./mailbox-address.js";
import { knownMailboxes, spokenGreeting } from "./mailbox-greeting.js";

export interface MailboxScriptDeps {
  services: CallsDeps;
  mailbox: MailboxSettings;
  /** The forwarded INVITE: the mailbox and the caller are read from its headers. */
  invite: InboundCall;
}

/** How a mailbox call ended: a message left, the caller hung up or said nothing, or it failed. */
export type MailboxOutcome = "message_taken" | "no_message" | "failed";

/**
 * A classic voicemail box on a forwarded call, with no conversation: the
 * greeting (a recorded WAV, or the agent's TTS voice), a beep, the caller's
 * message until silence, the finish key, the maximum length or hang-up, and
 * the message into the voicemail pipeline (the onMessage port) with the
 * mailbox of the user who did not answer and the caller's number and name.
 * Resolves with the new voicemail's id, or null when nothing was left.
 */
export function mailboxScript(d: MailboxScriptDeps): CallScript<number | null> {
  let outcome: MailboxOutcome = "failed";
  return {
    source: "mailbox",
    outcome: () => outcome,
    run: async (call) => {
      const id = await leaveMessage(d, call);
      outcome = id === null ? "no_message" : "message_taken";
      return id;
    },
  };
}

async function leaveMessage(d: MailboxScriptDeps, call: ScriptedCall): Promise<number | null> {
  const { services, mailbox: settings, invite } = d;
  const { placed, agent } = call;
  const { mailbox, from } = mailboxOf(invite, settings, agent);
  const caller = callerOf(invite);
  call.logger.info({ mailbox, mailboxFrom: from, caller: caller.number }, "mailbox call");
  const audio = rtpAudio(placed.rtp, placed.fanout.attach());
  const finish = new AbortController();
  // A recorded greeting that cannot be read is logged, and the spoken one stands in: the caller can still leave a message.
  const greeting = settings.greetingWav
    ? await recordedGreeting(settings.greetingWav).catch((err: unknown) => {
        call.logger.error({ err: describeError(err) }, "mailbox greeting: using the spoken greeting");
        return null;
      })
    : null;
  const speaker = new Speaker(placed.engines.tts, audio, voiceOf(agent), services.ttsCache);
  const spoken = spokenGreeting(settings, mailbox, knownMailboxes(services.agents, settings));
  const wav = await takeMessage(audio, () => placed.fanout.attach(), {
    greet: async (signal) => {
      if (greeting) await audio.play(greeting, { signal }).done;
      else if (spoken.cached) await speaker.sayPhrase(spoken.text, "mailbox", signal).playback.done;
      else await speaker.say(spoken.text, signal).playback.done;
      // Keys pressed over the greeting do not end the message: only those after the beep.
      call.digits.length = 0;
      call.onDigit = (digit) => {
        if (settings.finishKey !== "" && digit === settings.finishKey) finish.abort();
      };
    },
    endSilenceMs: settings.endSilenceMs,
    maxMs: settings.maxMs,
    signal: call.signal,
    finish: finish.signal,
  });
  call.onDigit = null;
  if (!wav) return null;
  const { voicemailId } = await services.onMessage({
    bytes: wav,
    caller: caller.number,
    callerName: caller.name,
    mailbox,
    receivedAt: placed.record.startedAt,
    source: "sip-mailbox",
  });
  await new CallsRepo(services.sql).linkVoicemail(placed.record.id, voicemailId);
  if (!call.signal.aborted)
    await speaker.sayPhrase(settings.goodbye, "mailbox", call.signal).playback.done.catch(() => undefined);
  return voicemailId;
}

/** A recorded greeting as the call's 8 kHz 16-bit PCM; a file that is missing or not a WAV is a configuration error. */
async function recordedGreeting(path: string): Promise<Int16Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ConfigError(`mailbox.greetingWav: cannot read ${path}: ${(err as Error).message}`);
  }
  const wav = parseWav(bytes);
  return float32ToInt16(resample(wav.samples, wav.sampleRate, 8000));
}
