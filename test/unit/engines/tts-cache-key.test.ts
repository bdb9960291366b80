import { describe, expect, it } from "vitest";
import { cacheKey } from "../../../src/engines/tts/cache/index.js";

describe("TTS cache keys", () => {
  const voice = { speakerId: 0, speed: 1 };
  const key = cacheKey("Hello there.", voice, "piper-amy");

  it("are the same for the same text, voice and model (whitespace aside)", () => {
    expect(cacheKey("Hello there.", { speakerId: 0, speed: 1 }, "piper-amy")).toBe(key);
    expect(cacheKey("  Hello   there. ", voice, "piper-amy")).toBe(key);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
  });

  it("change with anything that changes the audio: text, speaker, speed, model, language", () => {
    const others = [
      cacheKey("Hello there!", voice, "piper-amy"),
      cacheKey("hello there.", voice, "piper-amy"),
      cacheKey("Hello there.", { speakerId: 1, speed: 1 }, "piper-amy"),
      cacheKey("Hello there.", { speakerId: 0, speed: 1.1 }, "piper-amy"),
      cacheKey("Hello there.", voice, "piper-lessac"),
      cacheKey("Hello there.", { ...voice, language: "de-DE" }, "piper-amy"),
    ];
    expect(new Set([key, ...others]).size).toBe(7);
  });
});
