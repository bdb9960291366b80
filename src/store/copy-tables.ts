/**
 * What `parley store copy-to-postgres` copies (copy-to-postgres.ts): every table of a node's SQLite database that the
 * nodes share on PostgreSQL (issue 12), in an order that inserts each row after the rows it refers to. The columns
 * are the SQLite table's own (both engines' migrations define the same columns; a column PostgreSQL lacks fails the
 * copy, which then writes nothing).
 *
 * Not copied: the job queue (each engine has its own; copy-to-postgres refuses a node with unfinished jobs unless
 * told to leave them), the event log and the webhook delivery log (history, whose event ids the store's own log
 * reuses), and what stays on each node's SQLite file (intake files, survey results, the TTS-cache index, knowledge).
 */
export const SHARED_TABLES = [
  { table: "api_keys" },
  { table: "agents" },
  { table: "agent_versions" },
  { table: "operators" },
  // Signed-out console sessions: the signing secret is copied, so without these their cookies would work again.
  { table: "console_revocations" },
  { table: "dnc_numbers" },
  // Ids are copied where other rows, the API or queued work name them; the identity sequence then starts after the
  // last one copied.
  { table: "dnc_audit", identity: "id" },
  { table: "webhook_endpoints", identity: "id" },
  { table: "notify_templates", identity: "id" },
  { table: "campaigns", identity: "id" },
  { table: "campaign_rejected_rows", identity: "id" },
  { table: "notifications", identity: "id" },
  { table: "outbound_attempts", identity: "id" },
  { table: "callbacks", identity: "id" },
  { table: "audio_blobs" },
  { table: "voicemails", identity: "id" },
  { table: "calls", identity: "id" },
  // A call's turns after the call; its search document is built once at the end (copy-to-postgres.ts).
  { table: "call_turns" },
] as const satisfies readonly { table: string; identity?: string }[];

export type SharedTable = (typeof SHARED_TABLES)[number]["table"];
