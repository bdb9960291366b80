import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engines/factory.js";
import { modelFile } from "../../../src/engines/model-ref.js";
import type { ModelKind } from "../../../src/models/catalog-schema.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/**
 * GGUF weights are read into the process's memory unless `mmap: true`: a mapped model's first decode after a
 * pause paid its pages back in, on the first token of every reply (docs/turn-taking.md, "The model in memory").
 * /proc/self/maps lists every file the process maps, so it shows which way each engine loaded its model.
 */
const mapped = (path: string) => readFileSync("/proc/self/maps", "utf8").includes(path);

describe.skipIf(process.platform !== "linux")("llama.cpp engines: the weights in memory or mapped", () => {
  const cases: { kind: ModelKind; id: string; section: "llm" | "embed" }[] = [
    { kind: "llm", id: "tiny-llm", section: "llm" },
    { kind: "embed", id: "tiny-embed", section: "embed" },
  ];
  for (const { kind, id, section } of cases) {
    it(`${kind}: reads the file into memory by default, and maps it with mmap: true`, async () => {
      // Two copies under different ids, so each load has a file of its own to find in the maps.
      const inMemory = await generatedModel(id, undefined, "-in-memory");
      const mappedRef = await generatedModel(id, undefined, "-mapped");
      const a = await createEngine(kind, inMemory, testConfig());
      const b = await createEngine(kind, mappedRef, testConfig({ engines: { [section]: { mmap: true } } }));
      try {
        expect(mapped(modelFile(inMemory, "file"))).toBe(false);
        expect(mapped(modelFile(mappedRef, "file"))).toBe(true);
      } finally {
        await a.dispose();
        await b.dispose();
      }
    });
  }
});
