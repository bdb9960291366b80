/**
 * The `tiny` profile's script: what the deterministic test models say when a
 * catalog entry passes `{}` as generator args. The LLM's rules and the two ASR
 * scripts are written to fit each other, so an end-to-end test can follow a
 * whole call or voicemail: the streaming ASR hears "... please call me back",
 * the LLM answers with a schedule_callback call, and after the tool result
 * ("scheduled") it says goodbye; the batch ASR transcript of a voicemail says
 * "urgent" and "flooding", so extraction yields the emergency record.
 */

export interface LlmRule {
  /** Whole words, matched case-insensitively anywhere in the prompt. */
  triggers: string[];
  /** The greedy reply while this is the highest-priority rule whose trigger appears. */
  reply: string;
}

export interface TinyDefaults {
  streamingAsrWords: string[];
  batchAsrWords: string[];
  llmRules: LlmRule[];
  llmDefaultReply: string;
}

const words = (text: string): string[] => text.split(" ");

export const TINY_DEFAULTS: TinyDefaults = {
  streamingAsrWords: words("hello i would like to book a table for two tomorrow evening please call me back"),
  batchAsrWords: words(
    "hello this is alice calling about my order please call me back it is urgent the basement is flooding",
  ),
  llmRules: [
    {
      triggers: ["scheduled"],
      reply: "Perfect, we will call you back tomorrow at ten. Goodbye!",
    },
    {
      // Not "emergency": it is a voicemail category, named in every extraction prompt.
      triggers: ["urgent", "flooding"],
      reply:
        '{"summary": "Alice reports that her basement is flooding and needs help now.", "caller_name": "Alice", ' +
        '"callback_number": "+14155550123", "category": "emergency", "tags": ["flooding", "urgent"], "urgency": 5, ' +
        '"urgency_reason": "Water damage is happening right now.", "sentiment": "negative", "action": "escalate"}',
    },
    {
      triggers: ["transcript"],
      reply:
        '{"summary": "Alice called about her order and asked for a call back.", "caller_name": "Alice", ' +
        '"callback_number": "+14155550123", "category": "orders", "tags": ["order", "callback"], "urgency": 2, ' +
        '"urgency_reason": "A routine request with no deadline.", "sentiment": "neutral", "action": "follow_up"}',
    },
    {
      triggers: ["back"],
      reply: '||call: schedule_callback({"when": "tomorrow 10:00", "topic": "order"})',
    },
  ],
  llmDefaultReply: "Thanks for calling. How can I help you today?",
};
