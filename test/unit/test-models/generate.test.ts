/** generateTestModel and its CLI: files, determinism, defaults, argument errors. */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildTestModel,
  generateTestModel,
  testModelNames,
  TINY_DEFAULTS,
  type TestModelName,
} from "../../../scripts/test-models/index.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { repoRoot } from "../../helpers/paths.js";

const run = promisify(execFile);
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "parley-test-models-"));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const expectedFiles: Record<TestModelName, string[]> = {
  "scripted-llm": ["model.gguf"],
  "tone-asr-streaming": ["model.onnx", "tokens.txt"],
  "tone-asr-batch": ["model.onnx", "tokens.txt"],
  "tone-tts": ["model.onnx", "tokens.txt"],
  "turn-rule": ["model.onnx"],
  "hashed-embed": ["model.gguf"],
};

function argsError(fn: () => unknown): ParleyError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParleyError) return err;
    throw err;
  }
  throw new Error("expected a ParleyError");
}

describe("generateTestModel", () => {
  it.each(testModelNames)("writes %s into a new folder, byte-identical on every run", async (name) => {
    const first = await generateTestModel(name, {}, join(root, name, "a"));
    const second = await generateTestModel(name, {}, join(root, name, "b", "nested"));
    expect(first.files.map((f) => basename(f))).toEqual(expectedFiles[name]);
    first.files.forEach((file, i) => expect(readFileSync(file).equals(readFileSync(second.files[i] ?? ""))).toBe(true));
  });

  it("treats {} as the tiny profile's defaults and other args as a different model", () => {
    const bytes = (name: TestModelName, args: Record<string, unknown>): Buffer =>
      Buffer.concat(buildTestModel(name, args).map((f) => Buffer.from(f.data)));
    expect(bytes("tone-asr-batch", {}).equals(bytes("tone-asr-batch", { words: TINY_DEFAULTS.batchAsrWords }))).toBe(
      true,
    );
    expect(bytes("tone-asr-batch", {}).equals(bytes("tone-asr-batch", { words: ["other"] }))).toBe(false);
    const defaults = { rules: TINY_DEFAULTS.llmRules, defaultReply: TINY_DEFAULTS.llmDefaultReply };
    expect(bytes("scripted-llm", {}).equals(bytes("scripted-llm", defaults))).toBe(true);
  });

  it("writes the script into tokens.txt, blank first", () => {
    const tokens = buildTestModel("tone-asr-streaming", { words: ["hi", "there", "hi"] }).find(
      (f) => f.name === "tokens.txt",
    );
    expect(tokens?.data).toBe("<blk> 0\n\u2581hi 1\n\u2581there 2\n");
  });

  it("writes a GGUF that node-llama-cpp reads as a ChatML llama", async () => {
    const { files } = await generateTestModel("scripted-llm", {}, join(root, "gguf"));
    const info = await readGgufFileInfo(files[0] ?? "");
    expect(info.version).toBe(3);
    expect(info.metadata.general.architecture).toBe("llama");
    expect(info.metadata.tokenizer.ggml.model).toBe("llama");
    expect(info.metadata.tokenizer.chat_template).toContain("<|im_start|>");
    expect(info.tensorInfo?.map((t) => t.name)).toContain("output.weight");
  });

  it("rejects bad args with the path of each problem", () => {
    const unknownKey = argsError(() => buildTestModel("tone-tts", { voice: "x" }));
    expect(unknownKey.code).toBe("test_model_args_invalid");
    expect(unknownKey.message).toMatch(/tone-tts: .*voice/);
    expect(argsError(() => buildTestModel("tone-asr-streaming", { words: ["two words"] })).message).toMatch(
      /words\.0: .*whitespace/,
    );
    expect(argsError(() => buildTestModel("tone-asr-batch", { words: [] })).message).toMatch(
      /words: .*at least one word/,
    );
    expect(argsError(() => buildTestModel("scripted-llm", { rules: [{ triggers: ["ok"] }] })).message).toMatch(
      /rules\.0\.reply/,
    );
    expect(argsError(() => buildTestModel("turn-rule", { minVoicedMs: 5 })).message).toMatch(
      /turn-rule: minVoicedMs: /,
    );
    expect(argsError(() => buildTestModel("nope" as TestModelName, {})).code).toBe("test_model_unknown");
  });
});

describe("make-test-models CLI", () => {
  const cli = join(repoRoot, "scripts/make-test-models.ts");
  const tsx = (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
    run(process.execPath, ["--import", "tsx", cli, ...args], { cwd: repoRoot });

  it("writes a model and reports it as JSON", async () => {
    const out = join(root, "cli");
    const { stdout } = await tsx("tone-asr-batch", out, '{"words":["yes","no"]}', "--json");
    const report = JSON.parse(stdout) as { name: string; files: { path: string; bytes: number }[] };
    expect(report.name).toBe("tone-asr-batch");
    expect(report.files.map((f) => basename(f.path))).toEqual(["model.onnx", "tokens.txt"]);
    expect(readFileSync(join(out, "tokens.txt"), "utf8")).toBe("<blk> 0\n\u2581yes 1\n\u2581no 2\n");
  });

  it("exits non-zero with a one-line reason", async () => {
    const failure = await tsx("tone-tts", join(root, "cli-bad"), '{"speed": 2}').then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split("\n")).toHaveLength(1);
    expect(failure?.stderr).toMatch(/^make-test-models: invalid args for test model tone-tts: .*speed/);
  });
});
