import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests run from anywhere). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** ../shared/fixtures next to the project: real weights and audio, present in CI and development, absent elsewhere. */
export const fixturesDir = resolve(repoRoot, "../shared/fixtures");

export const fixtures = {
  jfkWav: join(fixturesDir, "audio/jfk.wav"),
  stories260k: join(fixturesDir, "llm/stories260K.gguf"),
};

/** The reason a fixture-backed test is skipped, or null when the file is there. */
export function missingFixture(path: string): string | null {
  return existsSync(path)
    ? null
    : `fixture ${path} is absent (../shared/fixtures is only beside the project in CI and development)`;
}

/** Cache for generated test models; .gitignored. */
export const cacheDir = join(repoRoot, ".cache");
