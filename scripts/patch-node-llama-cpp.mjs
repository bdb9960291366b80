#!/usr/bin/env node
/**
 * Postinstall: one change to node-llama-cpp 3.21.1 (pinned exactly), so a
 * caller's reply is not held back by other callers' replies.
 *
 * node-llama-cpp decodes every sequence of a context in one loop that holds
 * the context's lock for as long as any evaluation is queued. Each reply
 * needs that lock before it starts (fitting its sequence to the prompt,
 * loading the agent's saved opening). While other callers' replies are being
 * decoded, something is almost always queued, so a new reply waited 1-2 s on
 * load-small with three other replies running, against 5 ms alone.
 *
 * The change: the loop decodes one batch per turn of the lock and schedules
 * the next batch, so whoever waits for the lock gets it between two steps.
 * A step costs tens of milliseconds on CPU; the extra scheduling costs
 * microseconds.
 *
 * The file is rewritten atomically (a new file renamed over the old one, so a
 * hard-linked node_modules elsewhere keeps its own copy). Run again, it sees
 * its marker and does nothing. Another node-llama-cpp version, or a file that
 * no longer has the expected lines, stops the install with the reason: the
 * change must then be looked at again, not silently skipped.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const VERSION = "3.21.1";
export const MARKER = "/* parley: one batch per turn of the context lock */";
export const ORIGINAL = `                        await decodeTokenBatchItems(currentBatchItems, currentBatchSize);
                        shouldHaveAnotherLoop = this._queuedDecodes.length > 0;`;
export const PATCHED = `                        await decodeTokenBatchItems(currentBatchItems, currentBatchSize);
                        ${MARKER}
                        shouldHaveAnotherLoop = false;
                        if (this._queuedDecodes.length > 0)
                            this._scheduleDecode();`;

/** node-llama-cpp's folder as Node resolves it from here (hoisted or not). */
export function packageDir() {
  let dir = dirname(createRequire(import.meta.url).resolve("node-llama-cpp"));
  while (
    !existsSync(join(dir, "package.json")) ||
    !readFileSync(join(dir, "package.json"), "utf8").includes('"name": "node-llama-cpp"')
  ) {
    const up = dirname(dir);
    if (up === dir) throw new Error("node-llama-cpp's package.json was not found above its entry point");
    dir = up;
  }
  return dir;
}

/** The file the change goes into. */
export function contextFile(dir) {
  return join(dir, "dist", "evaluator", "LlamaContext", "LlamaContext.js");
}

/** Applies the change to the package in `dir`; returns what it did ("patched", "already") or throws with the reason. */
export function patchNodeLlamaCpp(dir) {
  const pkg = join(dir, "package.json");
  if (!existsSync(pkg)) throw new Error(`node-llama-cpp is not installed in ${dir}`);
  const version = JSON.parse(readFileSync(pkg, "utf8")).version;
  if (version !== VERSION)
    throw new Error(
      `node-llama-cpp ${version} is installed; scripts/patch-node-llama-cpp.mjs was written for ${VERSION}. ` +
        "Check whether the new version still holds the context lock across decode steps, then update the script.",
    );
  const file = contextFile(dir);
  const text = readFileSync(file, "utf8");
  if (text.includes(MARKER)) return "already";
  if (text.split(ORIGINAL).length !== 2)
    throw new Error(`${file} does not have the decode loop this script expects: update the script`);
  writeFileSync(`${file}.parley-tmp`, text.replace(ORIGINAL, PATCHED));
  renameSync(`${file}.parley-tmp`, file);
  return "patched";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const done = patchNodeLlamaCpp(packageDir());
    console.log(`node-llama-cpp: context lock yielded between decode steps (${done})`);
  } catch (err) {
    console.error(`postinstall: ${err.message}`);
    process.exit(1);
  }
}
