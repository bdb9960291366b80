import { phrasesFor, readYesNo, type YesNo } from "../phrases/index.js";

/**
 * After several failed turns in a row the agent stops retrying blindly and
 * offers the caller to leave a message. The answer is read without the LLM
 * (which is what has been failing): keypad 1 or a spoken yes takes the
 * message, another key or a spoken no goes on with the conversation, and
 * anything else is an ordinary turn. Silence takes the message (see
 * Conversation.onSilence): a caller who hears the offer and says nothing
 * should not be left on a line that does not work.
 */
export type OfferAnswer = YesNo;

/**
 * Reads the caller's answer to the offer: keypad digits when they pressed
 * keys, else what they said, in the agent's language (its phrase table's yes
 * and no words; "no" wins over "yes": a refusal must never start a recording).
 */
export function readOfferAnswer(answer: { text: string; digits?: string }, language = "en"): OfferAnswer {
  if (answer.digits !== undefined) return answer.digits === "1" ? "yes" : "no";
  return readYesNo(answer.text, phrasesFor(language));
}

/** Counts failed turns in a row and says when the next failure should make the offer. */
export class FailureStreak {
  private inARow = 0;

  /** `offerAfter`: failures in a row that lead to the offer; 0 never offers. */
  constructor(private readonly offerAfter: number) {}

  get count(): number {
    return this.inARow;
  }

  /** True when one more failure reaches the offer: the turn about to start says the offer instead of the fallback. */
  get offerOnNextFailure(): boolean {
    return this.offerAfter > 0 && this.inARow + 1 >= this.offerAfter;
  }

  failed(): void {
    this.inARow++;
  }

  /** A turn the model answered, or the caller declined the offer: start counting again. */
  reset(): void {
    this.inARow = 0;
  }
}
