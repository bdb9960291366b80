import { int16ToFloat32, type Frame } from "../../audio/index.js";
import type { EngineSet } from "../../engines/types.js";
import { describeError, ParleyError } from "../../lib/errors.js";
import type { PlacingDeps } from "./deps.js";
import { CallsRepo } from "../../store/repos/calls-repo.js";
import type { TurnRecord } from "../../store/records/call-turn.js";
import { runCallScript, type CallScript } from "../call-script.js";
import { dialTarget } from "../dial-target.js";
import type { PlacedCall } from "../call-manager.js";
import { DEFAULT_AMD, detectAnsweringMachine, waitForRecording, type AmdResult } from "./amd.js";

import type { DeliveryOutcome, DeliveryResult, MenuAction } from "../../store/records/outbound.js";

// The outcome and result are what outbound_attempts stores (store/records/outbound.ts).
export type { DeliveryOutcome, DeliveryResult };
export type MenuOption = MenuAction;

export interface DeliveryRequest {
  /** An E.164 number (dialled through sip.trunk) or a SIP URI. */
  to: string;
  agent: string;
  /** The message as 8 kHz PCM16, in order (a disclosure first when there is one). */
  parts: Int16Array[];
  menu?: { prompt: Int16Array; options: Record<string, MenuOption> };
  /** Spoken opt-out keywords, heard by the streaming recogniser after the message. */
  optOutWords?: string[];
  amd: boolean;
  signal: AbortSignal;
}

const MENU_WAIT_MS = 8000;
const MAX_REPEATS = 2;

/**
 * One outbound notification call: dial, tell a person from a machine, play
 * the message (after the beep, for a machine), offer the keypad menu to a
 * person and take the answer. The caller of this (notify.deliver) applies
 * compliance before and the retry policy after.
 */
export async function deliverNotification(services: PlacingDeps, req: DeliveryRequest): Promise<DeliveryResult> {
  const started = services.clock.now();
  const calls = services.calls;
  if (!calls)
    throw new ParleyError(
      "sip_disabled",
      "this process does not run SIP; notifications are delivered by `parley serve`",
      { status: 409, retryable: true },
    );
  let outcome: DeliveryOutcome = "failed";
  let choice: MenuOption | null = null;
  let amd: AmdResult | null = null;
  let digits: string[] = [];
  const script: CallScript<void> = {
    source: "notification",
    outcome: () => outcome,
    run: async (call) => {
      const { placed, signal } = call;
      digits = call.digits;
      const repo = new CallsRepo(services.sql);
      const frames = placed.fanout.attach()[Symbol.asyncIterator]();
      let turn = 0;
      // The transcript's lines, written in order without holding up the call; all written before the script ends.
      let written: Promise<void> = Promise.resolve();
      const say = (text: string, role: "agent" | "user" = "agent") => {
        const t: TurnRecord = {
          index: turn++,
          role,
          text,
          at: services.clock.now(),
          source: role === "user" ? "dtmf" : "speech",
        };
        written = written
          .then(() => repo.turn(placed.record.id, t))
          .catch((err: unknown) =>
            services.logger.warn({ callId: placed.record.id, err: describeError(err) }, "turn not recorded"),
          );
      };
      try {
        if (req.amd)
          amd = await detectAnsweringMachine(
            frames,
            placed.engines.vad,
            placed.engines.asrStreaming,
            { ...DEFAULT_AMD },
            signal,
          );
        if (amd?.verdict === "machine") {
          if (!amd.beep)
            amd = {
              ...amd,
              beep: (await waitForRecording(frames, { silenceMs: 1200, maxMs: 30_000 }, signal)) === "beep",
            };
          const played = await play(placed, req.parts, signal);
          say("(notification left on an answering machine)");
          outcome = played ? "delivered_voicemail" : "failed";
        } else {
          let repeats = 0;
          for (;;) {
            const played = await play(placed, req.parts, signal);
            say("(notification message)");
            if (!played) break;
            outcome = "delivered_human";
            if (!req.menu) break;
            digits.length = 0;
            await play(placed, [req.menu.prompt], signal);
            const heard = await waitForAnswer(
              frames,
              placed.engines,
              () => digits[0],
              (fn) => (call.onDigit = fn),
              req.optOutWords ?? [],
              signal,
            );
            if (heard.digit) say(`(pressed ${heard.digit})`, "user");
            if (heard.spokenOptOut) {
              say(`(said "${heard.spokenOptOut}")`, "user");
              choice = "opt_out";
            } else choice = heard.digit ? (req.menu.options[heard.digit] ?? null) : null;
            if (choice === "repeat" && repeats++ < MAX_REPEATS) continue;
            break;
          }
          if (choice === "opt_out") outcome = "opted_out";
          if (choice === "transfer") await transfer(services, placed, req.agent);
        }
      } catch (err) {
        if (!signal.aborted)
          services.logger.warn({ callId: placed.record.id, err: describeError(err) }, "notification call failed");
      } finally {
        await written;
      }
    },
  };
  let callId: number;
  try {
    ({
      placed: {
        record: { id: callId },
      },
    } = await runCallScript(
      calls,
      { to: dialTarget(services.config, req.to), agent: req.agent, signal: req.signal },
      script,
    ));
  } catch (err) {
    const failure = (err as ParleyError).details?.outcome;
    // Not placed at all (no SIP, no line, or refused by the do-not-call guard): the caller decides what that means.
    if (failure === undefined || failure === "rejected_dnc") throw err;
    const outcome: DeliveryOutcome = failure === "busy" ? "busy" : failure === "no_answer" ? "no_answer" : "failed";
    return { outcome, choice: null, digits: "", amd: null, callId: null, durationMs: services.clock.now() - started };
  }
  return { outcome, choice, digits: digits.join(""), amd, callId, durationMs: services.clock.now() - started };
}

async function play(placed: PlacedCall, parts: Int16Array[], signal: AbortSignal): Promise<boolean> {
  for (const pcm of parts) {
    const r = await placed.rtp.play(pcm, { signal }).done;
    if (!r.completed) return false;
  }
  return true;
}

/** Waits for a key (or a spoken opt-out word) after the menu prompt, reading caller audio meanwhile. */
async function waitForAnswer(
  frames: AsyncIterator<Frame>,
  engines: EngineSet,
  firstDigit: () => string | undefined,
  setOnDigit: (fn: () => void) => void,
  optOutWords: string[],
  signal: AbortSignal,
): Promise<{ digit: string | null; spokenOptOut: string | null }> {
  const asr = optOutWords.length ? engines.asrStreaming.open({ signal }) : null;
  let heard = "";
  const reading = asr
    ? (async () => {
        for await (const e of asr) if (e.type === "partial" || e.type === "final") heard = e.text.toLowerCase();
      })()
    : Promise.resolve();
  let wake: () => void = () => undefined;
  setOnDigit(() => wake());
  try {
    const deadline = Date.now() + MENU_WAIT_MS;
    while (Date.now() < deadline && !signal.aborted) {
      const d = firstDigit();
      if (d) return { digit: d, spokenOptOut: null };
      const word = optOutWords.find((w) => wordPattern(w).test(heard));
      if (word) return { digit: null, spokenOptOut: word };
      const next = await Promise.race([frames.next(), new Promise<null>((r) => (wake = () => r(null)))]);
      if (next && !next.done && asr) asr.push({ samples: int16ToFloat32(next.value.pcm), sampleRate: 8000 });
      if (next && next.done) break;
    }
    return { digit: firstDigit() ?? null, spokenOptOut: null };
  } finally {
    asr?.close();
    await reading;
  }
}

/** A configured opt-out phrase as a whole-word, case-insensitive pattern (its characters taken literally). */
function wordPattern(phrase: string): RegExp {
  return new RegExp(`\\b${phrase.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`);
}

async function transfer(services: PlacingDeps, placed: PlacedCall, agentName: string): Promise<void> {
  const agent = services.agents.get(agentName);
  const target = agent.tools.find((t) => t.type === "builtin" && t.name === "transfer");
  if (target?.type === "builtin" && target.target) await placed.call.transfer(target.target).catch(() => undefined);
}
