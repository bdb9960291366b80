import type { ConversationDeps } from "./conversation-deps.js";
import { DtmfCollector } from "./dtmf-collector.js";
import { KEYED_MASK, type KeypadSecrets } from "./keypad-secrets.js";
import type { Utterance } from "./listener.js";

/** Keys further apart than this end an entry. */
const DTMF_INTER_DIGIT_MS = 1500;

/** A keyed entry as the conversation takes it: a turn of words, and in a sensitive step what the record says. */
export interface KeyedEntry {
  u: Utterance;
  digits: string;
  /** The record's text instead of the digits (sensitive steps only). */
  recorded?: string;
}

/**
 * The caller's keypad as turns: keys less than DTMF_INTER_DIGIT_MS apart
 * make one entry, which the model hears as words. In a sensitive step
 * (agent.live.keypad.sensitive) the digits are kept in `keyed` to be masked
 * wherever the model repeats them, the record says only how many were
 * keyed, and the call is told when the entry starts and ends (its recording
 * pauses meanwhile).
 */
export function keypadInput(
  d: Pick<ConversationDeps, "agent" | "onSensitiveKeypad">,
  keyed: KeypadSecrets,
  entry: (e: KeyedEntry) => void,
): DtmfCollector {
  const sensitive = d.agent.live.keypad.sensitive;
  return new DtmfCollector(
    DTMF_INTER_DIGIT_MS,
    (digits) => {
      const now = performance.now();
      const text = `(The caller pressed ${[...digits].join(" ")} on the keypad.)`;
      if (sensitive) {
        keyed.add(digits);
        d.onSensitiveKeypad?.("end");
      }
      entry({
        u: { text, speechEndAt: now, decidedAt: now, textAt: now, by: "dtmf" },
        digits,
        // The model hears the digits for this call; the record and the logs never do.
        ...(sensitive ? { recorded: `(The caller keyed in ${digits.length} digits: ${KEYED_MASK}.)` } : {}),
      });
    },
    () => {
      if (sensitive) d.onSensitiveKeypad?.("start");
    },
  );
}
