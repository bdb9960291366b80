import { z } from "zod";

/** Values written into From / P-Asserted-Identity: no CR/LF/NUL, quotes or angle brackets (header injection). */
const headerText = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\r\n\0"\\<>]+$/, { message: "must not contain CR, LF, NUL, quotes, backslashes or angle brackets" });
const sipIdentity = z
  .string()
  .max(256)
  .regex(/^(sips?|tel):[^\s<>"]+$/, { message: "must be a sip:, sips: or tel: URI" });

/** Live calls: capacity, which agent answers, recordings, and the conversation's media settings. */
export const callsSection = z
  .object({
    /** Calls handled at once; above it new INVITEs get 503 (and OPTIONS too, so a balancer moves on). */
    maxCalls: z.number().int().min(1).max(1000).default(50),
    /** The agent that answers when the dialled user names none (agents/<name>.yaml). */
    defaultAgent: z.string().min(1).optional(),
    /** Caller audio this far below the agent's level while the agent speaks is taken as line echo. */
    echoMarginDb: z.number().min(3).max(60).default(15),
    /** Ring this long (180 Ringing) before answering; 0 answers at once. Some PBXs expect a ring. */
    answerDelayMs: z.number().int().min(0).max(30_000).default(0),
    /** Record calls (stereo WAV: caller left, agent right) even when the agent does not ask for it. */
    recordAll: z.boolean().default(false),
    /** IANA time zone for times agreed on the phone ("tomorrow at ten"). */
    timeZone: z.string().min(1).default("UTC"),
    /** The address put in our SDP (behind NAT: the public one); defaults to the RTP bind host. */
    mediaAddress: z.string().min(1).optional(),
    /**
     * End of turn in live calls, the defaults an agent's `live.turn` overrides. `model`: ask the profile's turn
     * model (when it has one) `askAfterMs` into a pause whether the caller has finished; `speculative`: start the
     * reply on the interim transcript when the caller pauses, keep it if the final text matches; `readAhead`: read
     * the caller's words into the LLM while they speak, so the reply reads only the last ones (docs/turn-taking.md);
     * `speculateEarly`: start it at the model's early question too, beside the model (off: on a CPU box the reply's
     * LLM work slows the model's verdict more than it saves).
     */
    turn: z
      .object({
        model: z.boolean().default(true),
        askAfterMs: z.number().int().min(50).max(2000).default(200),
        speculative: z.boolean().default(true),
        speculateEarly: z.boolean().default(false),
        readAhead: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Taking a message: how long a silence ends it, and the longest message. */
    message: z
      .object({
        endSilenceMs: z.number().int().min(500).max(20_000).default(3000),
        maxMs: z.number().int().min(5000).max(600_000).default(120_000),
      })
      .strict()
      .prefault({}),
    /**
     * Admission from measured load: a new call is refused (503 with Retry-After, and OPTIONS 503 so a balancer moves
     * on) while the live engines' queueing delay, summed over VAD, streaming ASR, LLM and TTS, is above
     * `maxQueueDelayMs`: the extra silence a caller would hear before each answer. 0 turns it off (maxCalls only).
     */
    admission: z
      .object({
        maxQueueDelayMs: z.number().int().min(0).max(60_000).default(350),
        retryAfterS: z.number().int().min(1).max(3600).default(15),
      })
      .strict()
      .prefault({}),
    /**
     * Outbound calls: who we say we are, and how long to ring. Without `from`, From is the trunk account
     * (sip:<sip.trunk.username>@<trunk host>), else sip:parley@<our SIP address>.
     */
    outbound: z
      .object({
        /** From URI of every outbound call, e.g. sip:+15551230000@trunk.example.com (what the callee's phone shows). */
        from: sipIdentity.optional(),
        /** Display name in From, e.g. "Acme Support". */
        displayName: headerText.optional(),
        /** P-Asserted-Identity (RFC 3325) sent to the trunk, e.g. sip:+15551230000@trunk.example.com; trunks that bill or screen by it need it. */
        assertedIdentity: sipIdentity.optional(),
        ringTimeoutMs: z.number().int().min(5000).max(180_000).default(45_000),
      })
      .strict()
      .prefault({}),
    /**
     * On SIGTERM: new calls (and OPTIONS) get 503 at once, calls in progress may go on this long, then the rest get
     * a BYE. 0 hangs up at once.
     */
    drainMs: z.number().int().min(0).max(3_600_000).default(30_000),
  })
  .strict();

export type CallsConfig = z.infer<typeof callsSection>;
