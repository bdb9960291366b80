import { contentLength, findHeadEnd, LIMITS, parseHead } from "./parser.js";
import type { SipMessage } from "./message.js";

export type FramerEvent =
  { kind: "message"; message: SipMessage } | { kind: "ping" } | { kind: "error"; error: string };

/**
 * Cuts a TCP byte stream into SIP messages by Content-Length (mandatory on
 * streams, RFC 3261 18.3). A double CRLF between messages is a keep-alive
 * ping (RFC 5626 3.5.1), answered by the transport with a single CRLF. After
 * an error the stream cannot be resynchronised: the transport closes it.
 */
export class StreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private failed = false;

  /** Feeds bytes; returns the messages (and pings, and at most one error) now complete. */
  push(chunk: Buffer): FramerEvent[] {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: FramerEvent[] = [];
    for (;;) {
      const event = this.next();
      if (!event) break;
      out.push(event);
      if (event.kind === "error") {
        this.failed = true;
        this.buffer = Buffer.alloc(0);
        break;
      }
    }
    return out;
  }

  private next(): FramerEvent | null {
    let skip = 0;
    while (skip + 1 < this.buffer.length && this.buffer[skip] === 0x0d && this.buffer[skip + 1] === 0x0a) skip += 2;
    if (skip >= 4) {
      this.buffer = this.buffer.subarray(skip);
      return { kind: "ping" };
    }
    const end = findHeadEnd(this.buffer, skip);
    if (!end) {
      return this.buffer.length > LIMITS.maxHeaderBytes ? { kind: "error", error: "head too large" } : null;
    }
    const head = parseHead(this.buffer.subarray(skip, end[0]).toString("utf8"));
    if (!head.ok) return { kind: "error", error: head.error };
    const length = contentLength(head.value);
    if (!length.ok) return { kind: "error", error: length.error };
    if (length.value === undefined) return { kind: "error", error: "no Content-Length on a stream" };
    if (this.buffer.length < end[1] + length.value) return null;
    const body = Buffer.from(this.buffer.subarray(end[1], end[1] + length.value));
    this.buffer = this.buffer.subarray(end[1] + length.value);
    return { kind: "message", message: { ...head.value, body } as SipMessage };
  }
}
