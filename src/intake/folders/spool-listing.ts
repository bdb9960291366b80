import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { FolderIntakeConfig } from "../../config/sections/intake.js";
import { extensionOf } from "../audio-type.js";

/** One recording a scan found (not yet known to be complete). */
export interface SpoolEntry {
  /** The audio file chosen for this message (the preferred of its formats). */
  audioPath: string;
  /** Every file of the message (its formats, and the .txt), for deleteAfter. */
  siblings: string[];
  /** msgNNNN.txt beside it (asterisk layout), when present. */
  txtPath: string | null;
  /** The mailbox its folder names (the folder above INBOX in Asterisk's spool). */
  mailboxFromPath: string | null;
}

/** Folders of Asterisk's spool whose messages are new (Old holds heard ones; tmp, files being recorded). */
const NEW_FOLDERS = new Set(["INBOX", "Urgent"]);
const MESSAGE = /^(msg\d{4,})\.([A-Za-z0-9]+)$/;
/** How deep below the watched folder to look: voicemail/<context>/<mailbox>/INBOX is 3. */
const MAX_DEPTH = 4;

/**
 * Lists the recordings under a watched folder. asterisk: msgNNNN.<ext> in
 * INBOX or Urgent folders, grouped per message, the format chosen by the
 * order of `extensions` (wav before gsm...), with msgNNNN.txt when there.
 * plain: every file with an audio extension, dot files (rsync's temporary
 * copies) and .part/.tmp names left out.
 */
export async function listSpool(config: FolderIntakeConfig): Promise<SpoolEntry[]> {
  const extensions = config.extensions.map((e) => e.toLowerCase());
  const out: SpoolEntry[] = [];
  await walk(config.path, 0, async (dir, names) => {
    if (config.layout === "plain") {
      for (const name of names) {
        if (name.startsWith(".") || !extensions.includes(extensionOf(name))) continue;
        out.push({ audioPath: join(dir, name), siblings: [join(dir, name)], txtPath: null, mailboxFromPath: null });
      }
      return;
    }
    if (!NEW_FOLDERS.has(basename(dir))) return;
    const messages = new Map<string, string[]>();
    for (const name of names) {
      const m = MESSAGE.exec(name);
      if (m?.[1]) messages.set(m[1], [...(messages.get(m[1]) ?? []), name]);
    }
    for (const files of messages.values()) {
      // Asterisk names wav49 (GSM in a WAV) msgNNNN.WAV and 16-bit PCM msgNNNN.wav: the lower-case name comes first.
      const ordered = [...files].sort((a, b) => Number(a !== a.toLowerCase()) - Number(b !== b.toLowerCase()));
      const audio = extensions.map((ext) => ordered.find((f) => extensionOf(f) === ext)).find((f) => f !== undefined);
      if (!audio) continue;
      const txt = files.find((f) => extensionOf(f) === "txt");
      out.push({
        audioPath: join(dir, audio),
        siblings: files.filter((f) => f === txt || extensions.includes(extensionOf(f))).map((f) => join(dir, f)),
        txtPath: txt ? join(dir, txt) : null,
        mailboxFromPath: basename(dirname(dir)) || null,
      });
    }
  });
  return out;
}

async function walk(dir: string, depth: number, visit: (dir: string, files: string[]) => Promise<void>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  await visit(
    dir,
    entries.filter((e) => e.isFile()).map((e) => e.name),
  );
  if (depth >= MAX_DEPTH) return;
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "tmp") await walk(join(dir, e.name), depth + 1, visit);
  }
}
