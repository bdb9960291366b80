/**
 * What `parley store copy-to-postgres` copies (copy-to-postgres.ts): every table of a node's SQLite database that the
 * nodes share on PostgreSQL (issue 12), in an order that inserts each row after the rows it refers to. The columns
 * are the SQLite table's own (both engines' migrations define the same columns; a column PostgreSQL lacks fails the
 * copy, which then writes nothing).
 *
 * Not copied: the job queue (each engine has its own; copy-to-postgres refuses a node with unfinished jobs unless
 * told to leave them), the webhook delivery log (history of attempts), intake claims (leases of a moment) and the
 * TTS-cache index (a cache: a phrase is rendered once more, and its files' relative paths may not be in files.dir).
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
  // The event log with its ids (the store's log goes on after them: SSE clients and survey answers name them).
  { table: "events", identity: "id" },
  { table: "survey_responses", identity: "id" },
  // Knowledge bases: PostgreSQL builds each chunk's full-text column itself (a generated column).
  { table: "knowledge_documents", identity: "id" },
  { table: "knowledge_chunks", identity: "id" },
  { table: "knowledge_vectors" },
  // Which spool recordings were already taken, so a node on the store does not take them again.
  { table: "intake_folders" },
  { table: "intake_files" },
] as const satisfies readonly { table: string; identity?: string }[];

export type SharedTable = (typeof SHARED_TABLES)[number]["table"];
