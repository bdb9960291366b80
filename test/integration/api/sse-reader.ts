export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  /** Set for a comment line (`: heartbeat`). */
  comment?: string;
}

export interface SseReader {
  /** Waits for the next `n` messages (comments included only if `comments` is true). */
  next: (n: number, o?: { comments?: boolean; timeoutMs?: number }) => Promise<SseMessage[]>;
  /** Messages received but not yet taken by next(). */
  pending: () => SseMessage[];
  /** Cancels the body stream: what a browser does when the tab closes. */
  close: () => Promise<void>;
}

/** Reads an SSE response body as it arrives and splits it into messages. */
export function readSse(res: Response): SseReader {
  if (!res.body) throw new Error("the response has no body");
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const queue: SseMessage[] = [];
  let buffer = "";
  let ended = false;
  // In an object: TypeScript narrows a plain `let` to null inside the reading loop's closure.
  const waiter: { notify: (() => void) | null } = { notify: null };

  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          queue.push(parse(buffer.slice(0, cut)));
          buffer = buffer.slice(cut + 2);
        }
        waiter.notify?.();
      }
    } catch {
      // cancelled
    } finally {
      ended = true;
      waiter.notify?.();
    }
  })();

  const take = (comments: boolean): SseMessage | undefined => {
    for (;;) {
      const m = queue.shift();
      if (!m || comments || m.comment === undefined) return m;
    }
  };

  return {
    next: async (n, o = {}) => {
      const out: SseMessage[] = [];
      const deadline = Date.now() + (o.timeoutMs ?? 5000);
      while (out.length < n) {
        const m = take(o.comments ?? false);
        if (m) {
          out.push(m);
          continue;
        }
        if (ended) throw new Error(`the stream ended after ${out.length} of ${n} messages`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out with ${out.length} of ${n} messages: ${JSON.stringify(out)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiter.notify = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        waiter.notify = null;
      }
      return out;
    },
    pending: () => [...queue],
    close: () => reader.cancel().catch(() => undefined),
  };
}

function parse(block: string): SseMessage {
  const m: SseMessage = {};
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) m.comment = line.slice(1).trim();
    else {
      const i = line.indexOf(":");
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      else if (field === "id" || field === "event") m[field] = value;
    }
  }
  if (data.length) m.data = data.join("\n");
  return m;
}
