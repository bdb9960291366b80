import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  contextFile,
  MARKER,
  ORIGINAL,
  PATCHED,
  packageDir,
  patchNodeLlamaCpp,
  VERSION,
} from "../../../scripts/patch-node-llama-cpp.mjs";

/**
 * The postinstall change to node-llama-cpp (scripts/patch-node-llama-cpp.mjs):
 * its decode loop takes one batch per turn of the context lock, so a caller's
 * reply is not held behind other callers' replies. What it saves is measured
 * with the load profiles (closing notes of issue 9); here: it is installed,
 * and the script does what it says on a copy of the file.
 */
const scratch = mkdtempSync(join(tmpdir(), "parley-nlc-patch-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function fakePackage(name: string, version: string, text: string): string {
  const dir = join(scratch, name);
  mkdirSync(dirname(contextFile(dir)), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "node-llama-cpp", version }));
  writeFileSync(contextFile(dir), text);
  return dir;
}

describe("the node-llama-cpp decode-loop change", () => {
  const installed = readFileSync(contextFile(packageDir()), "utf8");
  const pristine = installed.replace(PATCHED, ORIGINAL);

  it("is in the installed node-llama-cpp (npm ci ran the postinstall)", () => {
    expect(installed.split(MARKER).length).toBe(2);
  });

  it("changes the loop once, and a second run leaves the file alone", () => {
    const dir = fakePackage("twice", VERSION, pristine);
    expect(patchNodeLlamaCpp(dir)).toBe("patched");
    const once = readFileSync(contextFile(dir), "utf8");
    expect(once).toContain("shouldHaveAnotherLoop = false;");
    expect(once).not.toContain(ORIGINAL);
    expect(patchNodeLlamaCpp(dir)).toBe("already");
    expect(readFileSync(contextFile(dir), "utf8")).toBe(once);
  });

  it("stops with the reason on another version or an unexpected file", () => {
    expect(() => patchNodeLlamaCpp(fakePackage("newer", "3.22.0", pristine))).toThrow(
      /3\.22\.0 is installed.*3\.21\.1/,
    );
    expect(() => patchNodeLlamaCpp(fakePackage("changed", VERSION, "export class LlamaContext {}"))).toThrow(
      /does not have the decode loop/,
    );
  });
});
