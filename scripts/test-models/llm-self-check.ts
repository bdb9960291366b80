/**
 * Generation-time checks of the tokenization the script relies on, run on
 * the SPM emulation so a bad rule set fails when the model is generated, with
 * the trigger named, rather than as a wrong reply in some later test.
 */
import type { BaseVocab } from "./llm-base-vocab.js";
import { CALL_PREFIX } from "./llm-replies.js";
import { triggerForms } from "./llm-triggers.js";
import { SPACE } from "./llm-vocab.js";

/** Throws if a trigger is not one token in plain contexts, or matches inside a longer word. */
export function checkTokenization(base: BaseVocab, ruleTriggers: readonly (readonly string[])[]): void {
  const { vocab } = base;
  ruleTriggers.forEach((words, rule) => {
    const tokens = new Set(base.ruleTriggerTokens[rule]);
    const has = (text: string): boolean => vocab.tokenize(text).some((t) => tokens.has(t));
    for (const word of words) {
      for (const form of triggerForms(word)) {
        const bare = form.startsWith(SPACE) ? form.slice(1) : form;
        const spaced = form.startsWith(SPACE) ? ` ${bare}` : bare;
        for (const text of [`.${spaced}.`, `(${spaced})`, `"${spaced}",`, `\n${spaced}\n`]) {
          if (!has(text)) throw new Error(`trigger "${word}" is not a single token in ${JSON.stringify(text)}`);
        }
        if (!has(spaced)) throw new Error(`trigger "${word}" is not a single token at the start of a text`);
        // One word character on either side is covered by the extension pieces. Longer affixes
        // ("re" + "scheduled") usually work too, but not always ("re" + "refund"), so they are not checked.
        const longer = [`${spaced}x`, `${spaced}_x`, `${spaced}9`, `${spaced}s`];
        if (!form.startsWith(SPACE)) longer.push(`x${bare}`, `_${bare}`, `9${bare}`);
        for (const text of longer) {
          if (has(text)) throw new Error(`trigger "${word}" matches inside the longer word ${JSON.stringify(text)}`);
        }
      }
    }
  });
  const call = vocab.tokenize(CALL_PREFIX);
  if (call.length !== 1 || call[0] !== base.callPrefix)
    throw new Error(`"${CALL_PREFIX}" must be a single token, got ${call.length} tokens`);
  const header = vocab.tokenize("assistant\n");
  if (header[header.length - 1] !== base.newline) throw new Error('"assistant\\n" must end with the newline token');
}

/**
 * node-llama-cpp re-tokenizes "||call: name" + "(" before it asks for the
 * parameters, and "\n||result: ...\n" after the call: the model must then
 * continue from the "(" token and from the newline token, whatever pieces
 * the text before them makes.
 */
export function checkCallTokens(base: BaseVocab, name: string): void {
  const { vocab } = base;
  const open = vocab.tokenize(`${CALL_PREFIX}${name}(`);
  if (open[0] !== base.callPrefix || open[open.length - 1] !== vocab.require("("))
    throw new Error(`"${CALL_PREFIX}${name}(" must start with the call prefix and end with the "(" token`);
  for (const text of [`\n||result: {"status": "done"}\n`, `\n||result: "ok"\n`, "assistant\n"]) {
    const tokens = vocab.tokenize(text);
    if (tokens[tokens.length - 1] !== base.newline)
      throw new Error(`${JSON.stringify(text)} must end with the newline token`);
  }
}
