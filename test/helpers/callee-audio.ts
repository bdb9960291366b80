import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./paths.js";
import { speechUlaw, speechWav } from "./speech.js";

const RAW = ["-r", "8000", "-c", "1", "-e", "u-law", "-t", "raw"];
/** How sox reads a headerless mu-law input file. */
const RAW_IN = ["-t", "raw", "-r", "8000", "-c", "1", "-e", "u-law"];

/** What a person says on picking up ("Hello?"), then 20 s of silence: headerless mu-law for SIPp's rtp_stream. */
export function humanHello(): string {
  return speechUlaw("Hello?", { leadSilenceS: 0.3, tailSilenceS: 20 });
}

/** An answering machine: a long greeting, a 1 kHz beep, then silence (needs flite and sox). */
export function machineGreeting(
  text = "Hi, you have reached Alice. I cannot take your call right now. Please leave a message after the tone.",
): string {
  const dir = join(cacheDir, "test-audio");
  const out = join(dir, `machine-${Buffer.from(text).toString("hex").slice(0, 24)}.ulaw`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}`;
  execFileSync("sox", [speechWav(text), ...RAW, `${tmp}.speech`]);
  execFileSync("sox", ["-n", ...RAW, `${tmp}.beep`, "synth", "0.5", "sine", "1000", "vol", "0.5"]);
  execFileSync("sox", [...RAW_IN, `${tmp}.speech`, ...RAW_IN, `${tmp}.beep`, ...RAW, `${tmp}.ulaw`, "pad", "0", "12"]);
  renameSync(`${tmp}.ulaw`, out);
  rmSync(`${tmp}.speech`, { force: true });
  rmSync(`${tmp}.beep`, { force: true });
  return out;
}
