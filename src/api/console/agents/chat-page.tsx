import type { AgentDefinition } from "../../../agent/definition.js";

/**
 * The chat playground: a log of the conversation (the greeting first, as a caller hears it), a box to type what the
 * caller says, and Reset. agent-chat.js streams each reply into the log: sentences, tool calls with their arguments
 * and results, and what the phone-line tools would have done.
 */
export function ChatPlayground(p: { agent: AgentDefinition }) {
  const a = p.agent;
  const phoneTools = a.tools.filter((t) => t.type === "builtin" && t.name !== "search_knowledge").map((t) => t.name);
  return (
    <section class="chat" aria-labelledby="chat-h" data-agent={a.name}>
      <h2 id="chat-h" class="visually-hidden">
        Conversation
      </h2>
      <p class="hint">
        {`Same LLM, system prompt and tools as a call to '${a.name}'. HTTP tools and knowledge search really run`}
        {phoneTools.length
          ? `; ${phoneTools.join(", ")} only say what they would do on a call.`
          : "; tools that need a phone line only say what they would do."}
      </p>
      <ol id="chat-log" class="chat-log" aria-live="polite" aria-label="Conversation">
        {a.live.greeting ? (
          <li class="msg agent" data-greeting="true">
            <span class="who">Agent</span> <span class="text">{a.live.greeting}</span>
          </li>
        ) : null}
      </ol>
      <form id="chat-form" class="chat-form" data-agent={a.name}>
        <label for="chat-input">Say to the agent</label>
        <div class="chat-row">
          <input id="chat-input" name="message" type="text" autocomplete="off" maxlength={4000} required />
          <button type="submit" class="primary" id="chat-send">
            Send
          </button>
          <button type="button" class="secondary" id="chat-reset">
            Reset
          </button>
        </div>
        <p id="chat-status" class="hint" role="status"></p>
      </form>
    </section>
  );
}
