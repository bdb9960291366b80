import { z } from "zod";
import { parseCidr } from "../../lib/cidr.js";

/**
 * Voicemail intake from the PBX (owned by src/intake): voicemail-to-email over
 * SMTP, and watched spool folders. Both are off until configured. What each
 * hands on becomes a voicemail with source "smtp" or "folder". Message waiting
 * tells phones how many voicemails wait in their mailbox.
 */

/** HOST:PORT, IPv6 in brackets ([::1]:2525). */
export const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;
const hostPort = z.string().refine(
  (v) => {
    const m = HOST_PORT.exec(v);
    return m !== null && Number(m[3]) <= 65535;
  },
  { message: "expected HOST:PORT, e.g. 127.0.0.1:2525 or [::]:25" },
);

/** A sender address (voicemail@pbx.example.com), a whole domain (@pbx.example.com), or a host as a CIDR or address. */
const ADDRESS = /^[^\s@<>"]*@[A-Za-z0-9.-]+$/;
const allowEntry = z
  .string()
  .trim()
  .refine((v) => parseCidr(v) !== null || ADDRESS.test(v), {
    message:
      "not a sender address (vm@pbx.example.com), a domain (@pbx.example.com) or a host address/CIDR (10.0.0.0/8)",
  });

/** The named groups a pattern may fill. */
export const PATTERN_GROUPS = ["mailbox", "callerNumber", "callerName", "callerId"] as const;

const pattern = z
  .object({
    /** What to match: the Subject, the text body, the envelope recipient (1001@parley.example.com), or a header (`header:X-Asterisk-CallerID`). */
    from: z.union([
      z.enum(["subject", "body", "recipient"]),
      z.string().regex(/^header:[A-Za-z0-9-]+$/, "subject, body, recipient or header:<Name>"),
    ]),
    /** A JavaScript regular expression with named groups: mailbox, callerNumber, callerName, or callerId ("Name" <number>, a number or a name). */
    regex: z.string().min(1).max(2000),
    /** RegExp flags; i (ignore case) and m (^ and $ at each line) by default. */
    flags: z
      .string()
      .regex(/^[imsu]*$/, "only the flags i, m, s and u")
      .default("im"),
  })
  .strict()
  .superRefine((p, ctx) => {
    let re: RegExp;
    try {
      re = new RegExp(p.regex, p.flags);
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        path: ["regex"],
        message: `not a valid regular expression: ${(err as Error).message}`,
      });
      return;
    }
    const groups = /\(\?<([A-Za-z][A-Za-z0-9]*)>/g;
    const names = [...re.source.matchAll(groups)].map((m) => m[1]);
    if (!names.some((n) => (PATTERN_GROUPS as readonly string[]).includes(n ?? ""))) {
      ctx.addIssue({
        code: "custom",
        path: ["regex"],
        message: `needs a named group: ${PATTERN_GROUPS.map((g) => `(?<${g}>...)`).join(", ")}`,
      });
    }
  });

export type IntakePattern = z.infer<typeof pattern>;

/**
 * Defaults for the templates PBXs ship with; the first pattern that finds a
 * field wins. Asterisk adds X-Asterisk-CallerID/-CallerIDName headers to every
 * voicemail mail; its default subject is "[PBX]: New message 1 in mailbox 1001"
 * and its body "...in mailbox 1001 from "Alice" <5551234>, on ...". FreePBX's
 * default body has "There is a new voicemail in mailbox 1001:" and a
 * "From:<tab>"Alice" <5551234>" line; FreeSWITCH's voicemail.tpl has
 * "From: "Alice" <5551234>" and "Account: 1001@domain". A recipient like
 * 1001@parley.example.com is the last resort.
 */
export const DEFAULT_SMTP_PATTERNS: IntakePattern[] = [
  { from: "header:X-Asterisk-CallerID", regex: "^\\s*(?<callerNumber>\\S.*?)\\s*$", flags: "im" },
  { from: "header:X-Asterisk-CallerIDName", regex: "^\\s*(?<callerName>\\S.*?)\\s*$", flags: "im" },
  { from: "subject", regex: "\\bmailbox\\s+(?<mailbox>[^\\s:,]+)", flags: "im" },
  { from: "body", regex: "\\bin mailbox\\s+(?<mailbox>[^\\s:,]+)", flags: "im" },
  { from: "body", regex: "^\\s*From:\\s*(?<callerId>\\S.*?)\\s*$", flags: "im" },
  { from: "body", regex: "\\bin mailbox \\S+ from (?<callerId>.+?), on ", flags: "im" },
  { from: "body", regex: "^\\s*Account:\\s*(?<mailbox>[^@\\s]+)", flags: "im" },
  { from: "subject", regex: '^Voicemail from (?<callerId>"[^"]*"\\s*<[^>]*>)', flags: "im" },
  { from: "recipient", regex: "^(?<mailbox>\\d+)@", flags: "i" },
];

const authSection = z
  .object({
    /** Accounts the PBX may log in as (AUTH PLAIN or LOGIN). */
    users: z
      .array(z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(256) }).strict())
      .min(1),
    /** Every client must log in, even from `allowFrom` hosts. By default only clients outside them must. */
    required: z.boolean().default(false),
  })
  .strict();

const tlsSection = z
  .object({
    /** PEM files for STARTTLS (relative paths are resolved against the working directory). */
    key: z.string().min(1),
    cert: z.string().min(1),
  })
  .strict();

export const smtpIntakeSection = z
  .object({
    /** Where to listen; `parley serve --smtp HOST:PORT` sets it. Port 25 needs privileges: use 2525 and point the PBX's relay there. */
    listen: hostPort.default("127.0.0.1:2525"),
    /**
     * Who may send: host addresses or CIDRs the connection must come from, and sender addresses or @domains the
     * envelope sender must match. A client outside the host entries is refused at connect unless `auth` is set, and
     * then must log in. Default: loopback only.
     */
    allowFrom: z.array(allowEntry).default(["127.0.0.0/8", "::1/128"]),
    auth: authSection.optional(),
    /** STARTTLS with these files; without them AUTH goes in clear text: keep the listener on a trusted network, or put TLS in front. */
    tls: tlsSection.optional(),
    /** Largest mail (SIZE, RFC 1870), attachments and base64 included; over it: 552. */
    maxMessageBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(512 * 1024 ** 2)
      .default(25 * 1024 ** 2),
    /** How to read mailbox and caller from a mail; replaces the defaults (FreePBX/Asterisk, FreeSWITCH) when given. */
    patterns: z.array(pattern).min(1).default(DEFAULT_SMTP_PATTERNS),
    /** The mailbox of a mail no pattern places. */
    defaultMailbox: z.string().min(1).max(128).optional(),
    /** The name in our greeting and EHLO answer. */
    hostname: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9.-]+$/)
      .default("parley"),
    /** Connections at once; more are answered 421. */
    maxClients: z.number().int().min(1).max(10_000).default(20),
    /** An idle connection is closed after this long. */
    socketTimeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
  })
  .strict();

export type SmtpIntakeConfig = z.infer<typeof smtpIntakeSection>;

const folderEntry = z
  .object({
    /** The folder to watch (the PBX's spool, mounted): Asterisk's /var/spool/asterisk/voicemail, or one mailbox's INBOX. */
    path: z.string().min(1),
    /**
     * asterisk: msgNNNN.<ext> taken once msgNNNN.txt (written after the audio) is there; callerid, mailbox and origtime
     * come from it; only INBOX and Urgent folders. plain: any audio file, taken once its size and mtime stop changing.
     */
    layout: z.enum(["asterisk", "plain"]).default("asterisk"),
    /** The mailbox of everything in this folder; otherwise from msgNNNN.txt or the folder above INBOX (asterisk). */
    mailbox: z.string().min(1).max(128).optional(),
    /** Delete the audio (and its .txt) once handed on. Off by default: the PBX's files are never touched. */
    deleteAfter: z.boolean().default(false),
    /** A file must keep its size and mtime this long before it is taken. */
    stableMs: z.number().int().min(100).max(600_000).default(2000),
    /** How often the folder is scanned (polling: inotify does not see changes made on the far side of an NFS/SMB mount). */
    pollMs: z.number().int().min(50).max(600_000).default(2000),
    /** asterisk layout: audio whose msgNNNN.txt has not come after this long is taken without it. */
    metadataWaitMs: z.number().int().min(1000).max(86_400_000).default(600_000),
    /** Take recordings already there the first time the folder is watched; by default only new ones are. */
    backfill: z.boolean().default(false),
    /** Audio file extensions (case-insensitive); the first present wins when one message has several formats. */
    extensions: z
      .array(z.string().regex(/^[A-Za-z0-9]{1,8}$/))
      .min(1)
      .default(["wav", "gsm", "mp3", "ogg", "opus", "flac", "m4a"]),
  })
  .strict();

export type FolderIntakeConfig = z.infer<typeof folderEntry>;

const sipUri = z
  .string()
  .trim()
  .regex(/^(sips?|tel):[^\s<>"]+$/i, "a sip:, sips: or tel: URI");

const mwiSubscriber = z
  .object({
    /** The mailbox whose open (unhandled) voicemails light the lamp. */
    mailbox: z.string().min(1).max(128),
    /** Where the NOTIFY goes: the phone's contact (sip:1001@10.0.0.31:5060) or the mailbox's user at the PBX. */
    uri: sipUri,
    /** Message-Account in the body (what the phone dials to hear its messages); by default `uri`. */
    account: sipUri.optional(),
    /** Credentials for the target's digest challenge (a PBX usually asks). */
    auth: z
      .object({ username: z.string().min(1).max(128), password: z.string().min(1).max(256) })
      .strict()
      .optional(),
  })
  .strict();

const mwiSection = z
  .object({
    /** Who hears about which mailbox; a mailbox may have several subscribers (a phone and the PBX). */
    subscribers: z.array(mwiSubscriber).max(10_000).default([]),
    /** Changes within this long are sent as one NOTIFY (a batch of messages marked handled). */
    debounceMs: z.number().int().min(0).max(60_000).default(500),
    /** A NOTIFY that failed is tried again after this long (and on the next change). */
    retryMs: z.number().int().min(1000).max(3_600_000).default(60_000),
  })
  .strict();

export type MwiConfig = z.infer<typeof mwiSection>;
export type MwiSubscriber = z.infer<typeof mwiSubscriber>;

export const intakeSection = z
  .object({
    /** Voicemail-to-email: off unless present. */
    smtp: smtpIntakeSection.optional(),
    /** Watched spool folders. */
    folders: z.array(folderEntry).default([]),
    /** Message waiting (RFC 3842): a NOTIFY to each subscriber when its mailbox's open count changes (needs SIP). */
    mwi: mwiSection.prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    s.folders.forEach((f, i) => {
      const before = seen.get(f.path);
      if (before !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["folders", i, "path"],
          message: `the same folder as folders.${before}.path`,
        });
      seen.set(f.path, i);
    });
  });

export type IntakeConfig = z.infer<typeof intakeSection>;
