import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodeWav } from "../../../src/audio/wav.js";
import { buildAnswer, type CallEnded, type SipPort } from "../../../src/sip/index.js";
import { freePort, startUa } from "./helpers.js";

/**
 * baresip, a real softphone, as a second independent caller: it dials us,
 * plays a one-second WAV as its microphone and hangs up when the file ends.
 * Config after ../shared/reference/sip/baresip.config (no stdio: no TTY here).
 */

const hasBaresip = spawnSync("baresip", ["-h"]).error === undefined;

let ua: SipPort | null = null;
let dir: string | null = null;
afterEach(async () => {
  await ua?.close();
  ua = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe.skipIf(!hasBaresip)("baresip calls the embedded UA", () => {
  it("is answered and its BYE ends the call when its audio file ends", async () => {
    ua = await startUa();
    dir = mkdtempSync(join(tmpdir(), "parley-baresip-"));
    const tone = new Int16Array(8000).map((_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    writeFileSync(join(dir, "caller.wav"), encodeWav({ channels: [tone], sampleRate: 8000 }));
    const sipPort = await freePort();
    const rtpBase = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    writeFileSync(
      join(dir, "config"),
      [
        "poll_method epoll",
        `sip_listen 127.0.0.1:${sipPort}`,
        "call_local_timeout 20",
        "audio_player aubridge,null",
        `audio_source aufile,${join(dir, "caller.wav")}`,
        "audio_alert aubridge,null",
        `rtp_ports ${rtpBase}-${rtpBase + 20}`,
        "net_interface 127.0.0.1",
        "module_path /usr/lib/baresip/modules",
        "module g711.so",
        "module aufile.so",
        "module aubridge.so",
        "module_tmp account.so",
        "module_app menu.so",
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, "accounts"), "<sip:probe@127.0.0.1>;regint=0;audio_codecs=PCMU/8000/1,PCMA/8000/1\n");
    const ended = new Promise<{ ended: CallEnded; user: string | undefined; codec: string }>((resolve) => {
      ua!.onInvite(async (call) => {
        call.on("call:ended", (e) => resolve({ ended: e, user: call.from.user, codec: call.media.codec.name }));
        await call.accept(buildAnswer(call.media, { address: "127.0.0.1", port: 40_010 }));
      });
    });
    const child = spawn("baresip", ["-f", dir, "-e", `/dial sip:agent@127.0.0.1:${ua.local.port}`, "-t", "10"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    try {
      const result = await Promise.race([
        ended,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no call end; baresip said:\n${output.slice(-3000)}`)), 12_000),
        ),
      ]);
      expect(result.ended.endReason).toBe("remote-bye");
      expect(result.user).toBe("probe");
      expect(result.codec).toBe("PCMU");
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });
});
