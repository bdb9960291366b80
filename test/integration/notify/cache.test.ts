import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../../helpers/app.js";
import { jobs, json, metric, notifyApp, patch, post, settledJob } from "./helpers.js";

/**
 * The TTS render cache through the API, with the tiny TTS engine rendering for
 * real: pieces are rendered ahead of the call (notify.render), a cached piece
 * is never rendered again, and a changed voice or template is a new key.
 */
let t: TestApp;
beforeAll(async () => {
  t = await notifyApp();
  t.startWorker();
});
afterAll(() => t?.close());

interface NotificationJson {
  id: number;
  status: string;
  nextAttemptAt: string;
  timeZone: string;
  message: string;
}

const renderOf = async (notificationId: number) => {
  const job = (await jobs(t, "notify.render")).find((j) => j.payload.notificationId === notificationId);
  return (await settledJob(t, job!.id)).result as { pieces: number; hits: number; misses: number };
};
const cacheFiles = () =>
  readdirSync(join(t.dataDir, "tts-cache"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".wav"))
    .sort();

describe("TTS render cache", () => {
  let templateId: number;

  it("renders a new notification's pieces ahead of its call, then hits for every shared piece", async () => {
    const tpl = await json<{ id: number; variables: string[] }>(
      t.request(
        "/v1/templates",
        post({ name: "appointment", text: "Hello {name}. Your appointment is on {date}. Press a key." }),
      ),
    );
    expect(tpl.variables).toEqual(["name", "date"]);
    templateId = tpl.id;
    const send = (name: string, date: string) =>
      json<NotificationJson>(
        t.request(
          "/v1/notifications",
          post({ to: "+1 212 555 0100", templateId: "appointment", variables: { name, date } }),
        ),
      );
    const first = await send("Ann", "Monday");
    expect(first).toMatchObject({
      status: "scheduled",
      timeZone: "America/New_York",
      message: "Hello Ann. Your appointment is on Monday. Press a key.",
    });
    // 09:00 UTC is 04:00 in New York: the call waits for 09:00 there (14:00 UTC); the render does not.
    expect(first.nextAttemptAt).toBe("2026-11-25T14:00:00.000Z");
    expect(await renderOf(first.id)).toEqual({ pieces: 5, hits: 0, misses: 5, durationMs: expect.any(Number) });
    const files = cacheFiles();
    expect(files).toHaveLength(5);
    const mtimes = files.map((f) => statSync(join(t.dataDir, "tts-cache", f)).mtimeMs);

    // Another recipient: only their name is new.
    expect(await renderOf((await send("Bob", "Monday")).id)).toMatchObject({ pieces: 5, hits: 4, misses: 1 });
    // The first recipient again: nothing is rendered, no file is rewritten.
    expect(await renderOf((await send("Ann", "Monday")).id)).toMatchObject({ pieces: 5, hits: 5, misses: 0 });
    expect(cacheFiles()).toHaveLength(6);
    expect(files.map((f) => statSync(join(t.dataDir, "tts-cache", f)).mtimeMs)).toEqual(mtimes);
    expect(await metric(t, "parley_tts_cache_misses_total")).toBe(6);
    expect(await metric(t, "parley_tts_cache_hits_total")).toBe(9);
    expect(await metric(t, "parley_tts_cache_hit_ratio")).toBeCloseTo(0.6, 5);
    expect(await metric(t, "parley_tts_cache_entries")).toBe(6);
  });

  it("misses for a different voice and for changed text: a cached render is never served stale", async () => {
    const agent = { name: "narrator", systemPrompt: "You read notices.", voice: { speakerId: 0, speed: 1.2 } };
    expect((await t.request("/v1/agents", post(agent))).status).toBe(201);
    const other = await json<NotificationJson>(
      t.request(
        "/v1/notifications",
        post({ to: "+12125550100", templateId, agent: "narrator", variables: { name: "Ann", date: "Monday" } }),
      ),
    );
    expect(await renderOf(other.id)).toMatchObject({ pieces: 5, hits: 0, misses: 5 });

    const changed = await json<{ text: string }>(
      t.request(`/v1/templates/${templateId}`, patch({ text: "Hello {name}. Your visit is on {date}. Press a key." })),
    );
    expect(changed.text).toContain("visit");
    const after = await json<NotificationJson>(
      t.request(
        "/v1/notifications",
        post({ to: "+12125550100", templateId, variables: { name: "Ann", date: "Monday" } }),
      ),
    );
    expect(after.message).toBe("Hello Ann. Your visit is on Monday. Press a key.");
    expect(await renderOf(after.id)).toMatchObject({ pieces: 5, hits: 4, misses: 1 });
    expect(cacheFiles()).toHaveLength(12);
  });

  it("previews a template as 8 kHz WAV through the same cache", async () => {
    const res = await t.request(
      `/v1/templates/${templateId}/preview`,
      post({ variables: { name: "Ann", date: "Monday" }, menu: { "1": "confirm" } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/wav");
    expect(res.headers.get("x-cache-hits")).toBe("5");
    expect(res.headers.get("x-cache-misses")).toBe("1"); // the menu prompt, once
    const wav = new Uint8Array(await res.arrayBuffer());
    expect(new DataView(wav.buffer).getUint32(24, true)).toBe(8000);
    expect(wav.byteLength).toBeGreaterThan(44 + 8000); // over half a second of speech
  });
});
