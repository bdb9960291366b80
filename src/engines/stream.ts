import type { TransferListItem } from "node:worker_threads";
import type { EngineStream } from "./types.js";
import type { WorkerSession } from "./worker/host.js";

/** Adapts a worker session to the public push/iterate EngineStream. */
export function sessionStream<In, Event>(
  session: WorkerSession<Event>,
  encode: (input: In) => { data: unknown; transfer?: TransferListItem[] },
): EngineStream<In, Event> {
  return {
    push(input: In) {
      const { data, transfer } = encode(input);
      session.push(data, transfer);
    },
    end: () => session.end(),
    close: () => session.cancel(),
    [Symbol.asyncIterator]: () => session.events[Symbol.asyncIterator](),
  };
}
