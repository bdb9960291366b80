/**
 * A value that must never be stored or logged: digits keyed in a sensitive
 * DTMF step, a PIN, a card number on its way to a payment tool. It prints,
 * serialises and inspects as a label, so a log call, a JSON body or a
 * database row that receives it by mistake gets "[sensitive dtmf]", not the
 * digits; only `reveal()` hands the value to the code that needs it.
 */
const inspect = Symbol.for("nodejs.util.inspect.custom");

export class Sensitive<T> {
  readonly #value: T;

  constructor(
    value: T,
    /** What the placeholder says: "[sensitive <label>]". */
    readonly label = "value",
  ) {
    this.#value = value;
  }

  /** The value itself, for the one consumer that needs it (a tool call, a payment gateway). */
  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return `[sensitive ${this.label}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect](): string {
    return this.toString();
  }
}

/** True for a Sensitive wrapper (values crossing an untyped boundary, such as tool arguments). */
export function isSensitive(v: unknown): v is Sensitive<unknown> {
  return v instanceof Sensitive;
}
