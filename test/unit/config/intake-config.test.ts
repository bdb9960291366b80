import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, validate } from "../../../src/config/index.js";
import { DEFAULT_SMTP_PATTERNS } from "../../../src/config/sections/intake.js";
import { scratchDir } from "../../helpers/scratch.js";

describe("intake configuration", () => {
  it("is off by default", () => {
    const config = validate({});
    expect(config.intake.smtp).toBeUndefined();
    expect(config.intake.folders).toEqual([]);
    expect(config.intake.mwi).toEqual({ subscribers: [], debounceMs: 500, retryMs: 60_000 });
  });

  it("fills an SMTP section's defaults: loopback listener and allow list, 25 MB, the PBX template patterns", () => {
    const smtp = validate({ intake: { smtp: {} } }).intake.smtp;
    expect(smtp).toMatchObject({
      listen: "127.0.0.1:2525",
      allowFrom: ["127.0.0.0/8", "::1/128"],
      maxMessageBytes: 25 * 1024 ** 2,
    });
    expect(smtp?.patterns).toEqual(DEFAULT_SMTP_PATTERNS);
    expect(smtp?.auth).toBeUndefined();
  });

  it("fills a folder's defaults: asterisk layout, files left alone, new recordings only", () => {
    const [folder] = validate({ intake: { folders: [{ path: "/var/spool/asterisk/voicemail" }] } }).intake.folders;
    expect(folder).toMatchObject({
      layout: "asterisk",
      deleteAfter: false,
      backfill: false,
      stableMs: 2000,
      pollMs: 2000,
    });
  });

  it.each([
    [{ smtp: { listen: "localhost" } }, /intake\.smtp\.listen: expected HOST:PORT/],
    [{ smtp: { listen: "127.0.0.1:70000" } }, /intake\.smtp\.listen: expected HOST:PORT/],
    [{ smtp: { allowFrom: ["10.0.0.0/8", "pbx"] } }, /intake\.smtp\.allowFrom\.1: not a sender address/],
    [{ smtp: { auth: { users: [] } } }, /intake\.smtp\.auth\.users: /],
    [
      { smtp: { patterns: [{ from: "subject", regex: "(" }] } },
      /intake\.smtp\.patterns\.0\.regex: not a valid regular expression/,
    ],
    [
      { smtp: { patterns: [{ from: "subject", regex: "mailbox (\\d+)" }] } },
      /intake\.smtp\.patterns\.0\.regex: needs a named group/,
    ],
    [{ smtp: { patterns: [{ from: "headers", regex: "(?<mailbox>\\d+)" }] } }, /intake\.smtp\.patterns\.0\.from: /],
    [
      { smtp: { patterns: [{ from: "body", regex: "(?<mailbox>\\d+)", flags: "g" }] } },
      /intake\.smtp\.patterns\.0\.flags: only the flags/,
    ],
    [{ smtp: { lisen: "127.0.0.1:25" } }, /intake\.smtp\.lisen: unknown field/],
    [
      { folders: [{ path: "/spool" }, { path: "/spool" }] },
      /intake\.folders\.1\.path: the same folder as folders\.0\.path/,
    ],
    [{ folders: [{ path: "/spool", layout: "freeswitch" }] }, /intake\.folders\.0\.layout: /],
    [{ mwi: { subscribers: [{ mailbox: "1001", uri: "10.0.0.31" }] } }, /intake\.mwi\.subscribers\.0\.uri: a sip:/],
    [{ mwi: { subscribers: [{ uri: "sip:1001@pbx" }] } }, /intake\.mwi\.subscribers\.0\.mailbox: /],
    [{ folders: [{ path: "/spool", stableMs: 5 }] }, /intake\.folders\.0\.stableMs: /],
  ])("names the field of a bad value: %j", (intake, message) => {
    expect(() => validate({ intake })).toThrow(message);
  });

  it("accepts hosts, CIDRs, sender addresses and domains in allowFrom", () => {
    const smtp = validate({
      intake: { smtp: { allowFrom: ["192.0.2.10", "10.0.0.0/8", "::1", "vm@pbx.example.com", "@pbx.example.com"] } },
    }).intake.smtp;
    expect(smtp?.allowFrom).toHaveLength(5);
  });

  it("resolves relative folder and TLS paths in parley.yaml against the file's folder, wherever parley starts", () => {
    const dir = scratchDir("parley-intake-config");
    const elsewhere = scratchDir("parley-intake-cwd");
    writeFileSync(
      join(dir, "parley.yaml"),
      "intake:\n  smtp:\n    listen: 0.0.0.0:2525\n    tls: { key: tls/key.pem, cert: tls/cert.pem }\n  folders:\n    - path: spool/vm\n",
    );
    const { config } = loadConfig({ env: {}, cwd: elsewhere, file: join(dir, "parley.yaml") });
    expect(config.intake.folders[0]?.path).toBe(join(dir, "spool/vm"));
    expect(config.intake.smtp?.tls).toEqual({ key: join(dir, "tls/key.pem"), cert: join(dir, "tls/cert.pem") });
    expect(config.intake.smtp?.listen).toBe("0.0.0.0:2525");
  });

  it("resolves relative folder paths given as overrides against the working directory", () => {
    const cwd = scratchDir("parley-intake-cwd");
    const { config } = loadConfig({ env: {}, cwd, overrides: { intake: { folders: [{ path: "spool/vm" }] } } });
    expect(config.intake.folders[0]?.path).toBe(join(cwd, "spool/vm"));
  });
});
