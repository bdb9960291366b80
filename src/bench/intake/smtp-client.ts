import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";

/** The moments of one SMTP delivery, on the monotonic clock (performance.now()). */
export interface Delivery {
  /** The end of DATA (the lone ".") was written: the mail has arrived as far as the client can tell. */
  dataEndAt: number;
  /** The final reply came back. */
  repliedAt: number;
  reply: string;
}

/**
 * A minimal SMTP client for the bench (EHLO, MAIL, RCPT, DATA, QUIT over
 * plain TCP), so the moment the mail is complete is known exactly; the tests
 * use nodemailer instead.
 */
export async function deliver(port: number, from: string, to: string, message: Buffer): Promise<Delivery> {
  const socket = connect({ host: "127.0.0.1", port });
  const replies = replyReader(socket);
  try {
    await expect(replies, 220);
    await command(socket, replies, "EHLO bench.parley", 250);
    await command(socket, replies, `MAIL FROM:<${from}> SIZE=${message.length}`, 250);
    await command(socket, replies, `RCPT TO:<${to}>`, 250);
    await command(socket, replies, "DATA", 354);
    // Dot-stuffing (RFC 5321 4.5.2): a line starting with "." gets another.
    socket.write(
      Buffer.from(
        message
          .toString("latin1")
          .replace(/\r\n\./g, "\r\n..")
          .replace(/\r?\n?$/, "\r\n"),
        "latin1",
      ),
    );
    socket.write(".\r\n");
    const dataEndAt = performance.now();
    const reply = await replies.next();
    const repliedAt = performance.now();
    socket.write("QUIT\r\n");
    return { dataEndAt, repliedAt, reply };
  } finally {
    socket.end();
  }
}

interface ReplyReader {
  next(): Promise<string>;
}

function replyReader(socket: Socket): ReplyReader {
  let buffer = "";
  const waiting: ((reply: string) => void)[] = [];
  const ready: string[] = [];
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf("\r\n"); nl >= 0; nl = buffer.indexOf("\r\n")) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 2);
      // "250-..." continues a multi-line reply; "250 ..." ends it.
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        const take = waiting.shift();
        if (take) take(line);
        else ready.push(line);
      }
    }
  });
  socket.on("error", (err) => {
    for (const take of waiting.splice(0)) take(`000 ${err.message}`);
  });
  return {
    next: () => new Promise<string>((resolve) => (ready.length > 0 ? resolve(ready.shift()!) : waiting.push(resolve))),
  };
}

async function expect(replies: ReplyReader, code: number): Promise<string> {
  const reply = await replies.next();
  if (!reply.startsWith(String(code))) throw new Error(`SMTP: expected ${code}, got ${reply}`);
  return reply;
}

function command(socket: Socket, replies: ReplyReader, line: string, code: number): Promise<string> {
  socket.write(`${line}\r\n`);
  return expect(replies, code);
}
