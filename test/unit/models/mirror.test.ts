import { describe, expect, it } from "vitest";
import { applyMirror } from "../../../src/models/mirror.js";
import { unsafeEntry } from "../../../src/models/archive.js";

describe("applyMirror", () => {
  const hf = "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/9217f5db/qwen2.5-0.5b-instruct-q4_k_m.gguf";

  it("keeps the URL when no mirror is set", () => {
    expect(applyMirror(hf)).toBe(hf);
  });

  it("replaces the origin and keeps the upstream path under the mirror's own path", () => {
    expect(applyMirror(hf, "http://models.corp.local/parley")).toBe("http://models.corp.local/parley/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/9217f5db/qwen2.5-0.5b-instruct-q4_k_m.gguf");
    expect(applyMirror(hf, "http://models.corp.local/parley/")).toBe(applyMirror(hf, "http://models.corp.local/parley"));
    expect(applyMirror("https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/silero_vad_v5.onnx", "https://m.example:8443")).toBe(
      "https://m.example:8443/k2-fsa/sherpa-onnx/releases/download/asr-models/silero_vad_v5.onnx",
    );
  });

  it("keeps a query string and rejects a mirror that is not a URL", () => {
    expect(applyMirror("https://a.example/x/y.bin?download=true", "http://m")).toBe("http://m/x/y.bin?download=true");
    expect(() => applyMirror(hf, "not a url")).toThrow(/is not a URL/);
  });
});

describe("archive entry safety", () => {
  const file = { type: "File" };

  it("accepts ordinary entries and those stripped away", () => {
    expect(unsafeEntry("wrap/model.onnx", file, 1)).toBeNull();
    expect(unsafeEntry("wrap/", { type: "Directory" }, 1)).toBeNull();
    expect(unsafeEntry("wrap/espeak-ng-data/../tokens.txt", file, 1)).toBeNull();
  });

  it("rejects absolute paths and paths climbing out after strip", () => {
    expect(unsafeEntry("/etc/passwd", file, 0)).toMatch(/absolute path/);
    expect(unsafeEntry("wrap/../../evil", file, 1)).toMatch(/outside the model folder/);
    expect(unsafeEntry("../evil", file, 0)).toMatch(/outside the model folder/);
  });

  it("rejects links that point outside", () => {
    expect(unsafeEntry("wrap/a", { type: "SymbolicLink", linkpath: "/etc/passwd" }, 1)).toMatch(/link/);
    expect(unsafeEntry("wrap/d/a", { type: "SymbolicLink", linkpath: "../../x" }, 1)).toMatch(/link/);
    expect(unsafeEntry("wrap/d/a", { type: "SymbolicLink", linkpath: "../x" }, 1)).toBeNull();
    expect(unsafeEntry("wrap/a", { type: "Link", linkpath: "wrap/../../x" }, 1)).toMatch(/hard link/);
  });
});
