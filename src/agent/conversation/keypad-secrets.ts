import { redactStructured } from "../../lib/pii/index.js";

/** What a stored turn says instead of digits keyed in a sensitive step. */
export const KEYED_MASK = "[sensitive dtmf]";

/**
 * The digits a caller keyed in this call's sensitive keypad steps, held in
 * memory for the call only. The model may need them (it passes them to a
 * tool), so before a turn is recorded every copy is masked: in the text and
 * in tool arguments and results, written plain or with separators
 * ("4111 1111", "4-1-1-1"), wherever the model put them.
 */
export class KeypadSecrets {
  private readonly patterns: RegExp[] = [];

  /** Keeps an entry to mask; entries shorter than 3 digits (a menu choice) are too common to hunt for. */
  add(digits: string): void {
    const only = digits.replace(/\D/g, "");
    if (only.length < 3) return;
    // Digits in order with any separators between them, not inside a longer number.
    this.patterns.push(new RegExp(`(?<!\\d)${[...only].join("[\\s.\\-/,]*")}(?!\\d)`, "g"));
  }

  /** A copy of a turn (or any JSON-like value) with every keyed entry masked. */
  mask<T>(value: T): T {
    if (this.patterns.length === 0) return value;
    return redactStructured(
      value,
      (s) => this.patterns.reduce((t, re) => t.replace(re, KEYED_MASK), s),
      () => false,
    );
  }
}
