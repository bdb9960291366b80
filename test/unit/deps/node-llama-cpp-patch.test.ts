import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CHANGES,
  contextFile,
  packageDir,
  patchNodeLlamaCpp,
  VERSION,
} from "../../../scripts/patch-node-llama-cpp.mjs";

/**
 * The postinstall changes to node-llama-cpp (scripts/patch-node-llama-cpp.mjs):
 * its decode loop takes one batch per turn of the context lock, so a caller's
 * reply is not held behind other callers' replies, and each batch item
 * carries its sequence's token meter, so the batch scheduler can tell whose it
 * is. What they save is measured with the load profiles (closing notes of
 * issues 9 and 13); here: they are installed, and the script does what it
 * says on a copy of the file.
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

describe("the node-llama-cpp changes", () => {
  const installed = readFileSync(contextFile(packageDir()), "utf8");
  const pristine = CHANGES.reduce((text, c) => text.replace(c.patched, c.original), installed);

  it("are in the installed node-llama-cpp (npm ci ran the postinstall)", () => {
    for (const c of CHANGES) expect(installed.split(c.marker).length, c.name).toBe(2);
  });

  it("change the file once each, and a second run leaves it alone", () => {
    const dir = fakePackage("twice", VERSION, pristine);
    expect(patchNodeLlamaCpp(dir)).toBe("patched");
    const once = readFileSync(contextFile(dir), "utf8");
    expect(once).toContain("shouldHaveAnotherLoop = false;");
    expect(once).toContain("tokenMeter: queuedDecode.tokenMeter");
    for (const c of CHANGES) expect(once).not.toContain(c.original);
    expect(patchNodeLlamaCpp(dir)).toBe("already");
    expect(readFileSync(contextFile(dir), "utf8")).toBe(once);
  });

  it("adds a change that is missing to a file that has the other (an install patched by an older script)", () => {
    const older = pristine.replace(CHANGES[0]!.original, CHANGES[0]!.patched);
    const dir = fakePackage("older", VERSION, older);
    expect(patchNodeLlamaCpp(dir)).toBe("patched");
    const text = readFileSync(contextFile(dir), "utf8");
    for (const c of CHANGES) expect(text.split(c.marker).length, c.name).toBe(2);
  });

  it("stops with the reason on another version or an unexpected file", () => {
    expect(() => patchNodeLlamaCpp(fakePackage("newer", "3.22.0", pristine))).toThrow(
      /3\.22\.0 is installed.*3\.21\.1/,
    );
    expect(() => patchNodeLlamaCpp(fakePackage("changed", VERSION, "export class LlamaContext {}"))).toThrow(
      /does not have the lines this script expects for "decode loop/,
    );
  });
});
