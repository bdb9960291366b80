import { describe, expect, it } from "vitest";
import { encodePieces, parsePiece, Reassembler, type RelayedEvent } from "../../../src/events/relay/codec.js";

const event = (summary: string): RelayedEvent => ({
  type: "voicemail.processed",
  subject: "voicemail:7",
  data: { voicemailId: 7, status: "processed", urgency: 2, category: null, summary },
  createdAt: 1_765_000_000_000,
});

describe("events between nodes: the NOTIFY payloads", () => {
  it("a small event is one piece; a large one is cut into pieces under 8000 bytes that put it back together", () => {
    expect(encodePieces("node-a", "s.1", event("short"))).toHaveLength(1);
    // Multi-byte text: the limit is in bytes, not characters.
    const big = event("Ünïcödé 📞 ".repeat(2000));
    const pieces = encodePieces("node-a", "s.2", big);
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    const r = new Reassembler();
    const parsed = pieces.map((p) => parsePiece(p)!);
    for (const p of parsed.slice(0, -1)) expect(r.add(p, 0)).toBeNull();
    expect(r.add(parsed[parsed.length - 1]!, 0)).toEqual(big);
  });

  it("ignores payloads that are not pieces, and drops a message that lost a piece once it is stale", () => {
    expect(parsePiece("wake")).toBeNull();
    expect(parsePiece("a b 3 2 x")).toBeNull();
    const r = new Reassembler(1000);
    const lost = encodePieces("node-a", "s.3", event("x".repeat(5000))).map((p) => parsePiece(p)!);
    expect(r.add(lost[0]!, 0)).toBeNull(); // the rest never comes
    // Later messages still assemble, and the lost one's piece alone never yields an event.
    const later = encodePieces("node-a", "s.4", event("y".repeat(5000))).map((p) => parsePiece(p)!);
    let out: RelayedEvent | null = null;
    for (const p of later) out = r.add(p, 5000);
    expect(out).toEqual(event("y".repeat(5000)));
    expect(r.add(lost[1]!, 5000)).toBeNull();
    // A piece that is not JSON of an event is dropped, not thrown.
    expect(r.add({ origin: "x", messageId: "1", index: 0, count: 1, text: "{not json" }, 0)).toBeNull();
  });
});
