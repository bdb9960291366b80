import { z } from "zod";

/** Agent definitions on disk. */
export const agentsSection = z
  .object({
    /** Folder of agents/*.yaml (read-only; agents created through the API live in the database). */
    dir: z.string().min(1).default("./agents"),
    /** The agent for messages whose mailbox no agent claims. */
    default: z.string().min(1).default("receptionist"),
    /**
     * With no agent at all nothing works (every upload, call and notification needs one), so /readyz stays 503
     * until one exists. true: become ready anyway, for a box whose agents are created through the API after start.
     */
    allowNone: z.boolean().default(false),
  })
  .strict();

/** Voicemail intake and processing. */
export const voicemailSection = z
  .object({
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 ** 3)
      .default(50 * 1024 ** 2),
    maxDurationMs: z
      .number()
      .int()
      .min(1000)
      .max(4 * 3600_000)
      .default(10 * 60_000),
    /** Less speech than this after VAD trimming makes a message "silent": no ASR, no LLM call. */
    minSpeechMs: z.number().int().min(0).max(10_000).default(300),
    /** Country calling code for numbers said without one (E.164 normalisation). */
    defaultCountryCode: z
      .string()
      .regex(/^\d{1,3}$/)
      .default("1"),
    /** ffmpeg for formats other than WAV: "auto" finds it on the PATH, "off" accepts WAV only. */
    ffmpeg: z.string().min(1).default("auto"),
  })
  .strict();

/** The HTTP API. */
export const apiSection = z
  .object({
    /** Largest upload: a voicemail's audio, a campaign's recipients, a do-not-call import. */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 ** 3)
      .default(60 * 1024 ** 2),
    /** Largest body of every other write (agent definitions, templates, webhooks, notifications...). */
    maxJsonBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 ** 2)
      .default(1024 ** 2),
  })
  .strict();

/** A host name, an IP address or a CIDR range (10.0.0.0/8, fd00::/8) that outbound requests may reach whatever it is. */
const allowedHost = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9.:_\-[\]/]+$/, "a host name, an IP address or a CIDR range");

/**
 * Where Parley's own HTTP requests may go (see docs/webhooks.md, "Where
 * webhooks may point"). Loopback, link-local (cloud metadata), unspecified,
 * multicast and reserved addresses are always refused unless listed.
 */
const outboundFields = {
  /** Hosts allowed whatever they resolve to, e.g. ["127.0.0.1", "crm.internal", "10.1.0.0/16"]. */
  allowHosts: z.array(allowedHost).max(100).default([]),
  /** Private-use networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7): where on-prem receivers live, so allowed by default. */
  allowPrivateNetworks: z.boolean().default(true),
};

/** Webhook deliveries. */
export const webhooksSection = z
  .object({
    timeoutMs: z.number().int().min(500).max(60_000).default(10_000),
    /** Attempts per delivery before it is dead-lettered (each attempt backs off like every job). */
    maxAttempts: z.number().int().min(1).max(50).default(8),
    ...outboundFields,
  })
  .strict();

/** Agents' HTTP tools: where they may send requests. */
export const toolsSection = z.object({ ...outboundFields }).strict();
