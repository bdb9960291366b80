import { CliError } from "./types.js";

/** The first line of a stream (`--password-stdin`), without its line ending; at most 4 KiB are read. */
export async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) {
    text += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
    if (text.includes("\n") || text.length > 4096) break;
  }
  return text.split(/\r?\n/)[0] ?? "";
}

/**
 * Asks for a password on a terminal without echoing it. Raw mode hands us
 * each key: Enter ends, Backspace deletes, Ctrl-C aborts.
 */
export function promptHidden(
  question: string,
  input: NodeJS.ReadStream,
  output: NodeJS.WritableStream,
): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(question);
    let value = "";
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.resume();
    const done = (err: Error | null) => {
      input.setRawMode(wasRaw);
      input.pause();
      input.removeListener("data", onData);
      output.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done(null);
        if (ch === "\u0003") return done(new CliError("cancelled", 130));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else if (ch >= " ") value += ch;
      }
    };
    input.on("data", onData);
  });
}
