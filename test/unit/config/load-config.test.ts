import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../../helpers/cli.js";
import { repoRoot } from "../../helpers/paths.js";
import { scratchDir } from "../../helpers/scratch.js";
import { configFromEnv, loadConfig } from "../../../src/config/index.js";
import { ConfigError } from "../../../src/lib/errors.js";

const dir = () => scratchDir("parley-config");

describe("configuration", () => {
  it("has working defaults with no file and no environment", () => {
    const { config, source } = loadConfig({ env: {}, cwd: dir() });
    expect(source).toBeNull();
    expect(config.http).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(config.engines.llm.gpu).toBe(false);
    expect(config.dataDir.endsWith("/data")).toBe(true);
  });

  it("layers file < environment < flags", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "parley.yaml"), "profile: small\nhttp:\n  port: 9000\n  host: 0.0.0.0\n");
    const { config, source } = loadConfig({ env: { PARLEY_HTTP__PORT: "9100" }, cwd, overrides: { profile: "tiny" } });
    expect(source).toBe(join(cwd, "parley.yaml"));
    expect(config.profile).toBe("tiny");
    expect(config.http).toEqual({ host: "0.0.0.0", port: 9100 });
  });

  it("maps PARLEY_* names onto nested camelCase fields with typed values", () => {
    expect(
      configFromEnv({
        PARLEY_ENGINES__LLM__MAX_TOKENS: "64",
        PARLEY_ENGINES__LLM__GPU: "false",
        PARLEY_DATA_DIR: "/srv/p",
        HOME: "/root",
        PARLEY_CONFIG: "x.yaml",
      }),
    ).toEqual({
      engines: { llm: { maxTokens: 64, gpu: false } },
      dataDir: "/srv/p",
    });
  });

  it("reads only PARLEY_ variables that name a setting; others are named in a warning, never an error", () => {
    const env = {
      PARLEY_KEY: "pk_x",
      PARLEY_WEBHOOK_SECRET: "whsec_y",
      PARLEY_HTTP__PORT: "9100",
      PARLEY_NOTIFY__ZONES__44: "Europe/London",
      PARLEY_HTTP__PROT: "1",
      PARLEY_: "x",
    };
    const { config, warnings } = loadConfig({ env, cwd: dir() });
    expect(config.http.port).toBe(9100);
    expect(config.notify.zones).toEqual({ "44": "Europe/London" });
    expect(warnings).toEqual(
      ["PARLEY_", "PARLEY_HTTP__PROT", "PARLEY_KEY", "PARLEY_WEBHOOK_SECRET"].map((n) =>
        expect.stringMatching(new RegExp(`^ignoring ${n}: it names no setting`)),
      ),
    );
    expect(configFromEnv(env)).toEqual({ http: { port: 9100 }, notify: { zones: { "44": "Europe/London" } } });
  });

  it("names the variable an invalid value came from", () => {
    expect(() => loadConfig({ env: { PARLEY_HTTP__PORT: "eighty" }, cwd: dir() })).toThrow(
      /http\.port: .*\(from PARLEY_HTTP__PORT\)/,
    );
    expect(() => loadConfig({ env: { PARLEY_LOG__LEVEL: "loud" }, cwd: dir() })).toThrow(
      /log\.level: .*\(from PARLEY_LOG__LEVEL\)/,
    );
  });

  it("names the file, the field and the reason for an invalid value", () => {
    const cwd = dir();
    const file = join(cwd, "bad.yaml");
    writeFileSync(file, "http:\n  port: 99999\n");
    expect(() => loadConfig({ file, env: {}, cwd })).toThrow(ConfigError);
    expect(() => loadConfig({ file, env: {}, cwd })).toThrow(new RegExp(`${file}: http.port: .*65535`));
  });

  it("rejects unknown fields instead of ignoring a typo", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "parley.yaml"), "engines:\n  ttts: {}\n");
    expect(() => loadConfig({ env: {}, cwd })).toThrow(/engines.ttts: unknown field/);
  });

  it("reports broken YAML and a missing explicit file clearly", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "parley.yaml"), "http: [unclosed\n");
    expect(() => loadConfig({ env: {}, cwd })).toThrow(/invalid YAML/);
    expect(() => loadConfig({ file: "nope.yaml", env: {}, cwd })).toThrow(/config file not found/);
    writeFileSync(join(cwd, "list.yaml"), "- a\n- b\n");
    expect(() => loadConfig({ file: "list.yaml", env: {}, cwd })).toThrow(/top level must be a mapping/);
  });

  it("resolves relative paths written in a config file against the file's folder, wherever parley starts", () => {
    const site = dir();
    writeFileSync(
      join(site, "parley.yaml"),
      "dataDir: ./state\nagents: { dir: ./agents }\nmodels: { dir: ../models, extraCatalogs: [site.json, /abs/x.json] }\n",
    );
    const elsewhere = dir();
    const { config } = loadConfig({ file: join(site, "parley.yaml"), env: {}, cwd: elsewhere });
    expect(config.dataDir).toBe(join(site, "state"));
    expect(config.agents.dir).toBe(join(site, "agents"));
    expect(config.models.dir).toBe(join(site, "..", "models"));
    expect(config.models.extraCatalogs).toEqual([join(site, "site.json"), "/abs/x.json"]);
    // The environment and flags are the shell's: relative to where parley was started.
    const viaEnv = loadConfig({
      file: join(site, "parley.yaml"),
      env: { PARLEY_AGENTS__DIR: "mine" },
      cwd: elsewhere,
      overrides: { dataDir: "flagged" },
    }).config;
    expect(viaEnv.agents.dir).toBe(join(elsewhere, "mine"));
    expect(viaEnv.dataDir).toBe(join(elsewhere, "flagged"));
  });

  it("resolves relative paths from the environment against the working directory", () => {
    const cwd = dir();
    const { config } = loadConfig({ env: { PARLEY_DATA_DIR: "state", PARLEY_MODELS__DIR: "m" }, cwd });
    expect(config.dataDir).toBe(join(cwd, "state"));
    expect(config.models.dir).toBe(join(cwd, "m"));
  });
});

describe("PARLEY_ variables a script set for itself (issue 10, item 19)", () => {
  it("does not break any parley command: config check, print and keys list warn by name and succeed", async () => {
    const cwd = dir();
    const env = {
      PARLEY_KEY: "pk_0123456789_x",
      PARLEY_WEBHOOK_SECRET: "whsec_abc",
      PARLEY_AGENTS__DIR: join(repoRoot, "agents"),
      PARLEY_SIP__ENABLED: "false",
      PARLEY_HTTP__PORT: "0",
    };
    for (const argv of [
      ["config", "check"],
      ["config", "print", "--json"],
      ["keys", "list", "--data-dir", join(cwd, "data")],
    ]) {
      const r = await runCliInProcess(argv, cwd, env);
      expect(r.code, `${argv.join(" ")}: ${r.err}`).toBe(0);
      expect(r.err).toContain("parley: warning: ignoring PARLEY_KEY: it names no setting");
      expect(r.err).toContain("ignoring PARLEY_WEBHOOK_SECRET");
    }
  });
});
