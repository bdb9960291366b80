import { z } from "zod";
import { parseCidr } from "../../lib/cidr.js";

/**
 * SIP signalling (owned by src/sip). The defaults are a loopback demo:
 * 127.0.0.1:5080, only loopback may call. In production listen on
 * host 0.0.0.0, port 5060, set `publicAddress` when behind NAT, and list the
 * PBX or trunk addresses in `allow` (or give callers `credentials`).
 */

const cidr = z
  .string()
  .refine((v) => parseCidr(v) !== null, { message: "not an IPv4/IPv6 address or CIDR (10.0.0.0/8, 2001:db8::/32)" });

/** Values we write into SIP headers: no CR/LF/NUL, no quotes (header injection). */
const headerSafe = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\r\n\0"\\]+$/, { message: "must not contain CR, LF, NUL, quotes or backslashes" });

const listenSection = z
  .object({
    host: z.string().min(1).default("127.0.0.1"),
    /** 0 picks a free port (tests). UDP and TCP share it. */
    port: z.number().int().min(0).max(65535).default(5080),
  })
  .strict();

const rateLimitSection = z
  .object({
    /** Sustained SIP messages per second per source IP; 0 disables. Over the limit messages are dropped silently. */
    perSecond: z.number().min(0).max(100_000).default(50),
    burst: z.number().int().min(1).max(100_000).default(100),
  })
  .strict();

const timersSection = z
  .object({
    /** RFC 3261 T1 (RTT estimate); retransmissions and timeouts scale with it (64*T1 = 32 s by default). */
    t1Ms: z.number().int().min(10).max(10_000).default(500),
    t2Ms: z.number().int().min(10).max(60_000).default(4000),
    t4Ms: z.number().int().min(10).max(60_000).default(5000),
    /**
     * How long an answered call waits for the caller's ACK before it is given up (BYE) and its RTP port and call
     * slot are released. RFC 3261 13.3.1.4 retransmits the 2xx for 64*T1 (32 s); a caller that has not ACKed after
     * the retransmissions at 0.5, 1.5, 3.5 and 7.5 s is gone or hostile, so the default stops at 8 s. Never longer
     * than 64*T1.
     */
    ackTimeoutMs: z.number().int().min(1000).max(120_000).default(8000),
  })
  .strict()
  .refine((t) => t.t2Ms >= t.t1Ms, { message: "t2Ms must be at least t1Ms" });

const tcpSection = z
  .object({
    /** Connections from sources outside `allow` (callers that must authenticate), all together. */
    maxConnections: z.number().int().min(1).max(100_000).default(1024),
    /** Connections from one address (allow-listed or not). */
    maxConnectionsPerAddress: z.number().int().min(1).max(10_000).default(32),
    /** A connection that has not sent one complete SIP message this long after it opened is closed. */
    firstMessageTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
    /** A connection with no traffic this long is closed. */
    idleTimeoutMs: z.number().int().min(1000).max(3_600_000).default(300_000),
  })
  .strict();

const trunkSection = z
  .object({
    /** The trunk or PBX, e.g. sip:pbx.example.com:5060 (;transport=tcp for TCP). Outbound calls to it use these credentials. */
    uri: z.string().regex(/^sips?:[^\s<>"]+$/, { message: "must be a sip: URI" }),
    username: headerSafe.optional(),
    password: z.string().min(1).optional(),
    /** The trunk's digest realm: when set, a challenge naming another realm gets no credentials (the host is always checked). */
    realm: headerSafe.optional(),
    /** Keep a REGISTER binding at the trunk (refreshed before expiry). */
    register: z.boolean().default(false),
    expiresS: z.number().int().min(30).max(86_400).default(3600),
  })
  .strict()
  .refine((t) => !t.register || (t.username !== undefined && t.password !== undefined), {
    message: "register: true needs username and password",
  });

const drachtioSection = z
  .object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(1).max(65535).default(9022),
    /** The shared secret of drachtio-server's admin port; required when driver is "drachtio". */
    secret: z.string().min(1).optional(),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .strict();

export const sipSection = z
  .object({
    /** `parley serve` answers calls; off for an API-and-voicemail-only box. */
    enabled: z.boolean().default(true),
    driver: z.enum(["embedded", "drachtio"]).default("embedded"),
    listen: listenSection.prefault({}),
    transports: z
      .array(z.enum(["udp", "tcp"]))
      .min(1)
      .default(["udp", "tcp"]),
    /** Address for Via/Contact (and the SDP, via src/rtp) when behind NAT; a host or IP. */
    publicAddress: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9.:-]+$/)
      .optional(),
    /** Sources allowed to call without credentials. Default: loopback only. */
    allow: z.array(cidr).default(["127.0.0.0/8", "::1/128"]),
    /** Callers outside `allow` may authenticate with these (digest, SHA-256 or MD5). */
    credentials: z.array(z.object({ username: headerSafe, password: z.string().min(1) }).strict()).default([]),
    realm: headerSafe.default("parley"),
    nonceTtlS: z.number().int().min(10).max(3600).default(300),
    rateLimit: rateLimitSection.prefault({}),
    /**
     * Calls from one source answered (200 OK sent) whose ACK has not come yet; beyond it that source's INVITEs get
     * 503 until ACKs arrive or time out (`timers.ackTimeoutMs`). A PBX ACKs within a round trip, so it never
     * gets near; a source that never ACKs cannot hold more than this many RTP ports.
     */
    maxUnacknowledgedPerSource: z.number().int().min(1).max(1000).default(10),
    /** SIP over TCP (embedded driver): connection limits checked when a connection is accepted. */
    tcp: tcpSection.prefault({}),
    timers: timersSection.prefault({}),
    userAgent: headerSafe.default("Parley"),
    trunk: trunkSection.optional(),
    drachtio: drachtioSection.prefault({}),
  })
  .strict()
  .refine((s) => s.driver !== "drachtio" || s.drachtio.secret !== undefined, {
    message: 'driver "drachtio" needs drachtio.secret',
    path: ["drachtio", "secret"],
  });

export type SipConfig = z.infer<typeof sipSection>;
