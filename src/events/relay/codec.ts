/**
 * How an event travels between nodes on a PostgreSQL NOTIFY channel. A
 * payload must stay under 8000 bytes, so an event is cut into pieces sent in
 * one transaction: PostgreSQL delivers a transaction's notifications together
 * and in order, so a listener sees all the pieces of an event or none. Each
 * piece is `<origin> <message id> <index> <count> <text>`; the origin lets a
 * node drop its own echoes.
 */

/** Characters of JSON per piece: at most 4 bytes each in UTF-8, plus the header, stays well under 8000 bytes. */
export const PIECE_CHARS = 1900;

/** What crosses between nodes: the event as its origin stored it (already scrubbed by its privacy policy). */
export interface RelayedEvent {
  type: string;
  subject: string | null;
  data: unknown;
  createdAt: number;
}

export function encodePieces(origin: string, messageId: string, event: RelayedEvent): string[] {
  const json = JSON.stringify(event);
  const count = Math.max(1, Math.ceil(json.length / PIECE_CHARS));
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) {
    pieces.push(`${origin} ${messageId} ${i} ${count} ${json.slice(i * PIECE_CHARS, (i + 1) * PIECE_CHARS)}`);
  }
  return pieces;
}

export interface Piece {
  origin: string;
  messageId: string;
  index: number;
  count: number;
  text: string;
}

/** A piece, or null for a payload that is not one (another program on the channel). */
export function parsePiece(payload: string): Piece | null {
  const m = /^(\S+) (\S+) (\d+) (\d+) ([\s\S]*)$/.exec(payload);
  if (!m) return null;
  const index = Number(m[3]);
  const count = Number(m[4]);
  if (count < 1 || index >= count) return null;
  return { origin: m[1]!, messageId: m[2]!, index, count, text: m[5]! };
}

/**
 * Puts pieces back together. Pieces of one message arrive together, so a
 * message still incomplete after `staleMs` lost a piece (a reconnect in the
 * middle) and is dropped.
 */
export class Reassembler {
  private readonly partial = new Map<string, { parts: string[]; got: number; since: number }>();

  constructor(private readonly staleMs = 60_000) {}

  /** The event once its last piece arrived; null meanwhile, and for a message that does not parse. */
  add(piece: Piece, now: number): RelayedEvent | null {
    if (piece.count === 1) return decode(piece.text);
    const key = `${piece.origin} ${piece.messageId}`;
    let entry = this.partial.get(key);
    if (!entry) {
      this.dropStale(now);
      entry = { parts: new Array<string>(piece.count), got: 0, since: now };
      this.partial.set(key, entry);
    }
    if (entry.parts[piece.index] === undefined) {
      entry.parts[piece.index] = piece.text;
      entry.got++;
    }
    if (entry.got < piece.count) return null;
    this.partial.delete(key);
    return decode(entry.parts.join(""));
  }

  private dropStale(now: number): void {
    for (const [key, entry] of this.partial) if (now - entry.since > this.staleMs) this.partial.delete(key);
  }
}

function decode(json: string): RelayedEvent | null {
  try {
    const e = JSON.parse(json) as Partial<RelayedEvent>;
    if (typeof e.type !== "string" || typeof e.createdAt !== "number") return null;
    return {
      type: e.type,
      subject: typeof e.subject === "string" ? e.subject : null,
      data: e.data,
      createdAt: e.createdAt,
    };
  } catch {
    return null;
  }
}
