import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./paths.js";

/**
 * Realistic caller speech for tests, made with flite (Debian package `flite`)
 * and cached under .cache/test-audio. Tests that need it skip, saying why,
 * where flite is not installed.
 */
export const fliteMissing: string | false = (() => {
  try {
    // `flite --version` exits 1 even when it works; listing the voices exits 0.
    execFileSync("flite", ["-lv"], { stdio: "ignore" });
    return false;
  } catch {
    return "flite is not installed (apt-get install flite)";
  }
})();

export const soxMissing: string | false = (() => {
  try {
    execFileSync("sox", ["--version"], { stdio: "ignore" });
    return false;
  } catch {
    return "sox is not installed (apt-get install sox)";
  }
})();

function cached(key: string, ext: string, make: (out: string) => void): string {
  const dir = join(cacheDir, "test-audio");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash("sha256").update(key).digest("hex").slice(0, 16)}.${ext}`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp.${ext}`;
    make(tmp);
    renameSync(tmp, file);
  }
  return file;
}

/** A 16 kHz mono WAV of `text` spoken by flite's slt voice. */
export function speechWav(text: string, voice = "slt"): string {
  return cached(`flite:${voice}:${text}`, "wav", (out) =>
    execFileSync("flite", ["-voice", voice, "-t", text, "-o", out]),
  );
}

export function speechWavBytes(text: string, voice = "slt"): Buffer {
  return readFileSync(speechWav(text, voice));
}

/** The same speech as headerless 8 kHz mu-law, what SIPp's rtp_stream plays. */
export function speechUlaw(text: string, options: { leadSilenceS?: number; tailSilenceS?: number } = {}): string {
  const wav = speechWav(text);
  const lead = options.leadSilenceS ?? 0;
  const tail = options.tailSilenceS ?? 0;
  return cached(`ulaw:${text}:${lead}:${tail}`, "ulaw", (out) =>
    execFileSync("sox", [
      wav,
      "-r",
      "8000",
      "-c",
      "1",
      "-e",
      "u-law",
      "-t",
      "raw",
      out,
      "pad",
      String(lead),
      String(tail),
    ]),
  );
}

/** sox conversion of a WAV to another encoding/rate (for format tests). */
export function convertWav(input: string, args: string[], ext = "wav"): Buffer {
  return readFileSync(
    cached(`sox:${input}:${args.join(" ")}`, ext, (out) => execFileSync("sox", [input, ...args, out])),
  );
}

export const VOICEMAIL_ROUTINE = "Hi, this is Alice, about my order.";
export const VOICEMAIL_URGENT =
  "Hello, this is Alice calling about my order. Please call me back, it is urgent, the basement is flooding.";
