import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadAgentFile, parseAgent } from "../../../src/agent/load.js";

/** Paths in an agent file are relative to that file, as paths in parley.yaml are to parley.yaml. */
describe("an agent file's relative paths", () => {
  const dir = mkdtempSync(join(tmpdir(), "parley-agent-paths-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, greetingWav: string) => {
    const file = join(dir, "agents", `${name}.yaml`);
    mkdirSync(join(dir, "agents"), { recursive: true });
    writeFileSync(file, `name: ${name}\nsystemPrompt: The voicemail box.\nmailbox:\n  greetingWav: ${greetingWav}\n`);
    return file;
  };

  it("a mailbox's relative greetingWav resolves against the agent file's folder, wherever the server starts", () => {
    expect(loadAgentFile(write("vm", "greetings/vm.wav")).mailbox?.greetingWav).toBe(
      join(dir, "agents", "greetings", "vm.wav"),
    );
    expect(loadAgentFile(write("up", "../shared/box.wav")).mailbox?.greetingWav).toBe(join(dir, "shared", "box.wav"));
  });

  it("an absolute one is kept; a definition sent through the API keeps what it says", () => {
    expect(loadAgentFile(write("abs", "/srv/greetings/vm.wav")).mailbox?.greetingWav).toBe("/srv/greetings/vm.wav");
    const api = parseAgent({ name: "api", systemPrompt: "x", mailbox: { greetingWav: "vm.wav" } }, "agent");
    expect(api.mailbox?.greetingWav).toBe("vm.wav");
  });
});
