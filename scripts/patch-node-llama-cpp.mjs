#!/usr/bin/env node
/**
 * Postinstall: two changes to node-llama-cpp 3.21.1 (pinned exactly), so a
 * caller's reply is not held back by other callers' replies.
 *
 * 1. The decode loop. node-llama-cpp decodes every sequence of a context in
 *    one loop that holds the context's lock for as long as any evaluation is
 *    queued. Each reply needs that lock before it starts (fitting its sequence
 *    to the prompt, loading the agent's saved opening). While other callers'
 *    replies are being decoded, something is almost always queued, so a new
 *    reply waited 1-2 s on load-small with three other replies running,
 *    against 5 ms alone. The change: the loop decodes one batch per turn of the
 *    lock and schedules the next batch, so whoever waits for the lock gets it
 *    between two steps. A step costs tens of milliseconds on CPU; the extra
 *    scheduling costs microseconds.
 * 2. Whose item is whose. The batch prioritisation strategy is handed each
 *    queued evaluation as its tokens and priority only, so it cannot tell one
 *    sequence's from another's. The change adds the sequence's token meter
 *    (the object `LlamaContextSequence.tokenMeter` returns) to each item, so
 *    Parley's scheduler can let the reply first in line for its first words
 *    decode alone (src/engines/llm/batch-scheduler.ts).
 *
 * The file is rewritten atomically (a new file renamed over the old one, so a
 * hard-linked node_modules elsewhere keeps its own copy). Run again, it sees
 * each change's marker and does nothing. Another node-llama-cpp version, or a
 * file that no longer has the expected lines, stops the install with the
 * reason: the change must then be looked at again, not silently skipped.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const VERSION = "3.21.1";

/** Each change: a marker that says it is in, the lines it expects, and what replaces them. */
export const CHANGES = [
  {
    name: "decode loop: one batch per turn of the context lock",
    marker: "/* parley: one batch per turn of the context lock */",
    original: `                        await decodeTokenBatchItems(currentBatchItems, currentBatchSize);
                        shouldHaveAnotherLoop = this._queuedDecodes.length > 0;`,
    patched: `                        await decodeTokenBatchItems(currentBatchItems, currentBatchSize);
                        /* parley: one batch per turn of the context lock */
                        shouldHaveAnotherLoop = false;
                        if (this._queuedDecodes.length > 0)
                            this._scheduleDecode();`,
  },
  {
    name: "batch items: the sequence's token meter",
    marker: "/* parley: the sequence's token meter */",
    original: `                        evaluationPriority: queuedDecode.evaluationPriority
                    };`,
    patched: `                        evaluationPriority: queuedDecode.evaluationPriority,
                        /* parley: the sequence's token meter */
                        tokenMeter: queuedDecode.tokenMeter
                    };`,
  },
];

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

/** Applies the changes to the package in `dir`; returns what it did ("patched", "already") or throws with the reason. */
export function patchNodeLlamaCpp(dir) {
  const pkg = join(dir, "package.json");
  if (!existsSync(pkg)) throw new Error(`node-llama-cpp is not installed in ${dir}`);
  const version = JSON.parse(readFileSync(pkg, "utf8")).version;
  if (version !== VERSION)
    throw new Error(
      `node-llama-cpp ${version} is installed; scripts/patch-node-llama-cpp.mjs was written for ${VERSION}. ` +
        "Check whether the new version still needs each change (see the script's comment), then update the script.",
    );
  const file = contextFile(dir);
  let text = readFileSync(file, "utf8");
  let changed = false;
  for (const change of CHANGES) {
    if (text.includes(change.marker)) continue;
    if (text.split(change.original).length !== 2)
      throw new Error(`${file} does not have the lines this script expects for "${change.name}": update the script`);
    text = text.replace(change.original, change.patched);
    changed = true;
  }
  if (!changed) return "already";
  writeFileSync(`${file}.parley-tmp`, text);
  renameSync(`${file}.parley-tmp`, file);
  return "patched";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const done = patchNodeLlamaCpp(packageDir());
    console.log(`node-llama-cpp: ${CHANGES.map((c) => c.name).join("; ")} (${done})`);
  } catch (err) {
    console.error(`postinstall: ${err.message}`);
    process.exit(1);
  }
}
