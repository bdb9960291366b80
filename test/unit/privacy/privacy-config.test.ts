import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "../../helpers/scratch.js";
import { loadConfig } from "../../../src/config/index.js";
import { agentPrivacySchema, effectivePrivacy, redactionRulesOf } from "../../../src/config/sections/privacy.js";
import { ConfigError } from "../../../src/lib/errors.js";
import { createRedactor } from "../../../src/lib/pii/index.js";

function load(yaml: string, env: Record<string, string> = {}) {
  const cwd = scratchDir("parley-privacy");
  writeFileSync(join(cwd, "parley.yaml"), yaml);
  return loadConfig({ env, cwd }).config;
}

function loadError(yaml: string): string {
  try {
    load(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected the configuration to be rejected");
}

describe("privacy configuration", () => {
  it("defaults: cards and national IDs masked as labels, logs untouched, recordings silenced in sensitive steps", () => {
    const { privacy } = loadConfig({ env: {}, cwd: scratchDir("parley-privacy") }).config;
    expect(privacy.redact).toMatchObject({
      enabled: true,
      kinds: ["card", "nationalId"],
      mask: "label",
      spokenDigits: true,
      logs: false,
      rules: [],
    });
    expect(privacy.redact.nationalIds).toHaveLength(7);
    expect(privacy.recordings.sensitive).toBe("silence");
    const rules = redactionRulesOf(privacy.redact);
    expect(rules).not.toBeNull();
    expect(createRedactor(rules!).text("4111 1111 1111 1111 / anna@example.com")).toBe("[card] / anna@example.com");
  });

  it("reads a full section from YAML and the hash key from the environment", () => {
    const config = load(
      [
        "privacy:",
        "  redact:",
        "    kinds: [card, email, phone]",
        "    mask: hash",
        "    safeContexts: [ticket*]",
        "    rules:",
        "      - { name: member, pattern: 'M-\\d{6}', flags: i }",
        "    logs: true",
        "  recordings: { sensitive: pause }",
      ].join("\n"),
      { PARLEY_PRIVACY__REDACT__HASH_KEY: "0123456789abcdef-secret" },
    );
    expect(config.privacy.redact.hashKey).toBe("0123456789abcdef-secret");
    expect(config.privacy.redact.logs).toBe(true);
    expect(config.privacy.recordings.sensitive).toBe("pause");
    const r = createRedactor(redactionRulesOf(config.privacy.redact)!);
    expect(r.text("Ticket 0170 1234567, member m-123456")).toMatch(/^Ticket 0170 1234567, member \[member\]$/);
  });

  it("turns everything off with enabled: false", () => {
    expect(redactionRulesOf(load("privacy:\n  redact:\n    enabled: false\n").privacy.redact)).toBeNull();
  });

  it.each([
    ["privacy:\n  redact:\n    kinds: [card, iban]\n", /privacy\.redact\.kinds\.1: .*card.*nationalId.*email.*phone/],
    ["privacy:\n  redact:\n    kinds: [card, card]\n", /privacy\.redact\.kinds: lists a kind twice/],
    ["privacy:\n  redact:\n    nationalIds: [us-ssn, de-personalausweis]\n", /privacy\.redact\.nationalIds\.1: /],
    ["privacy:\n  redact:\n    mask: hash\n", /privacy\.redact\.hashKey: mask: hash needs a hashKey/],
    [
      "privacy:\n  redact:\n    mask: hash\n    hashKey: short\n",
      /privacy\.redact\.hashKey: must be at least 16 characters/,
    ],
    [
      "privacy:\n  redact:\n    rules: [{ name: bad, pattern: '([a-z' }]\n",
      /privacy\.redact\.rules\.0\.pattern: not a valid regular expression/,
    ],
    [
      "privacy:\n  redact:\n    rules: [{ name: empty, pattern: 'x*' }]\n",
      /privacy\.redact\.rules\.0\.pattern: matches the empty string/,
    ],
    [
      "privacy:\n  redact:\n    rules: [{ name: Bad Name, pattern: 'x' }]\n",
      /privacy\.redact\.rules\.0\.name: lowercase letters/,
    ],
    [
      "privacy:\n  redact:\n    rules: [{ name: g, pattern: 'x', flags: gg }]\n",
      /privacy\.redact\.rules\.0\.flags: only the flags i, m, s and u/,
    ],
    [
      "privacy:\n  redact:\n    preserveKeys: ['/(unclosed/']\n",
      /privacy\.redact\.preserveKeys\.0: not a valid regular expression/,
    ],
    ["privacy:\n  redact:\n    colour: red\n", /privacy\.redact\.colour: unknown field/],
    ["privacy:\n  recordings:\n    sensitive: keep\n", /privacy\.recordings\.sensitive: /],
  ])("rejects %j naming the field", (yaml, message) => {
    expect(loadError(yaml)).toMatch(message);
  });
});

describe("per-agent overrides", () => {
  const defaults = () => loadConfig({ env: {}, cwd: scratchDir("parley-privacy") }).config.privacy;

  it("lays the agent's fields over the global ones; rules add up", () => {
    const global = defaults();
    const siteRule = { name: "site", pattern: "S-\\d+", flags: "" };
    const withRule = { ...global, redact: { ...global.redact, rules: [siteRule] } };
    const agent = agentPrivacySchema.parse({
      redact: { kinds: ["card", "phone"], mask: "partial", rules: [{ name: "agent", pattern: "A-\\d+" }] },
      recordings: { sensitive: "pause" },
    });
    const eff = effectivePrivacy(withRule, agent);
    expect(eff.redact.kinds).toEqual(["card", "phone"]);
    expect(eff.redact.mask).toBe("partial");
    expect(eff.redact.nationalIds).toEqual(global.redact.nationalIds);
    expect(eff.redact.rules.map((r) => r.name)).toEqual(["site", "agent"]);
    expect(eff.recordings.sensitive).toBe("pause");
    expect(effectivePrivacy(global, undefined)).toBe(global);
  });

  it("validates the agent block like the global one", () => {
    expect(agentPrivacySchema.safeParse({ redact: { kinds: ["cards"] } }).success).toBe(false);
    expect(agentPrivacySchema.safeParse({ redact: { mask: "hash", hashKey: "x" } }).error?.issues[0]?.path).toEqual([
      "redact",
      "hashKey",
    ]);
    expect(agentPrivacySchema.safeParse({ recordings: { sensitive: "pause" }, extra: 1 }).success).toBe(false);
  });

  it("refuses an agent's hash mask when no key is set anywhere", () => {
    const global = defaults();
    const agent = agentPrivacySchema.parse({ redact: { mask: "hash" } });
    expect(() => effectivePrivacy(global, agent)).toThrow(/privacy\.redact\.hashKey: mask is hash/);
  });
});
