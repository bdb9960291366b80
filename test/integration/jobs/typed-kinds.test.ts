import { afterEach, describe, expect, it } from "vitest";
import type { PayloadOf } from "../../../src/jobs/index.js";
// The features' kind declarations (declaration merging into jobs/kinds.ts), as app/ loads them.
import { VOICEMAIL_JOB } from "../../../src/voicemail/kinds.js";
import "../../../src/notify/kinds.js";
import { queueFixture, type QueueFixture } from "./helpers.js";

let f: QueueFixture | null = null;
afterEach(() => f?.close());

describe("job kinds declared once, payloads checked at compile time", () => {
  it("enqueues a declared kind with its payload and an undeclared kind with any JSON", async () => {
    f = await queueFixture();
    const { job } = await f.queue.enqueue({ kind: VOICEMAIL_JOB, payload: { voicemailId: 7 } });
    // The result is typed by the kind: job.payload.voicemailId is a number, no cast.
    const id: number = job.payload.voicemailId;
    expect(id).toBe(7);
    const other = await f.queue.enqueue({ kind: "custom.kind", payload: { anything: ["goes"] } });
    expect(other.job.payload).toEqual({ anything: ["goes"] });
  });

  it("refuses, at compile time, a payload that does not match its kind (npm run typecheck runs over test/)", () => {
    // Never called: the lines only have to compile, or fail to, under tsc.
    const wrong = (q: QueueFixture["queue"]) => {
      // @ts-expect-error voicemailId must be a number
      void q.enqueue({ kind: "voicemail.process", payload: { voicemailId: "7" } });
      // @ts-expect-error a callback needs the agent that places it
      void q.enqueue({ kind: "callback.place", payload: { to: "+15550100" } });
      // @ts-expect-error notify.deliver carries the schedule sequence
      void q.enqueue({ kind: "notify.deliver", payload: { notificationId: 1 } });
    };
    expect(typeof wrong).toBe("function");
    const p: PayloadOf<"campaign.tick"> = { campaignId: 1, seq: 0, slice: 0 };
    expect(p.slice).toBe(0);
  });
});
