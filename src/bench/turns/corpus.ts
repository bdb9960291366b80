/**
 * What the callers of `parley bench turns` say: 40 requests a phone agent
 * hears. Half pause mid-sentence ("I need to book | an appointment for
 * Tuesday"): the sentence is synthesised whole, so the words before the
 * pause keep the intonation of a sentence that goes on, and 300-700 ms of
 * silence is inserted at the word boundary. The other half are spoken
 * straight through. A turn rule that ends the turn at the pause cuts in.
 */

export interface CorpusLine {
  /** The sentence, with `|` where the caller pauses (at most one). */
  text: string;
  /** The pause's length in ms (lines with a `|`). */
  pauseMs?: number;
}

const PAUSED = [
  "I need to book | an appointment for Tuesday.",
  "Could you tell me | what time you open tomorrow?",
  "My account number is | four five six seven eight.",
  "I would like to speak | with someone in billing.",
  "The package was supposed to arrive | on Monday morning.",
  "Can I change my reservation | to next Friday evening?",
  "I am calling because | my internet has been down since yesterday.",
  "We need a table for | six people at eight o'clock.",
  "Please send the invoice | to my office address.",
  "I think there is | a mistake on my last bill.",
  "My name is | Sarah Johnson and I have a question.",
  "Is it possible to | cancel my order before it ships?",
  "The heater in the apartment | stopped working last night.",
  "I was wondering if | you have any appointments this week.",
  "Can you check the status | of my refund please?",
  "I want to upgrade | my plan to the premium option.",
  "The doctor asked me to | schedule a follow up visit.",
  "Our flight was cancelled and | we need to rebook for tomorrow.",
  "I lost my card and | I need to block it right away.",
  "Could you transfer me | to the technical support team?",
];

const STRAIGHT = [
  "Yes, that works for me.",
  "I would like to book a table for two tomorrow evening.",
  "What are your opening hours on Saturday?",
  "My order number is one two three four five.",
  "Thank you, that is all I needed.",
  "Can you call me back this afternoon?",
  "I want to cancel my subscription.",
  "The delivery address is twelve Main Street.",
  "No, I have not received the email yet.",
  "Please reschedule my appointment to Thursday at ten.",
  "How much does the basic plan cost per month?",
  "I am calling about a problem with my bill.",
  "Could you repeat that, please?",
  "My phone number is five five five, one two three four.",
  "I need a plumber as soon as possible.",
  "Is the store open on public holidays?",
  "Please send me a confirmation by text message.",
  "Okay, goodbye.",
  "The water heater is leaking in the basement.",
  "I would like to pay my invoice by card.",
];

/** Pauses spread over 300-699 ms, in a fixed scrambled order so length and sentence are unrelated. */
const pauseFor = (i: number) => 300 + ((i * 7) % 20) * 21;

/** Paused and straight lines alternate, so any prefix of the corpus (tests use a few) has both. */
export const TURN_CORPUS: readonly CorpusLine[] = PAUSED.flatMap((text, i) => [
  { text, pauseMs: pauseFor(i) },
  { text: STRAIGHT[i]! },
]);

/** Bump when the audio a line produces changes (layout, silences, telephone path), so caches regenerate. */
export const CORPUS_VERSION = 1;
