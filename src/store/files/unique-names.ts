import { randomUUID } from "node:crypto";
import { join } from "node:path";

/**
 * A call recording's file. Call ids are each node's own database ids, so
 * `call-<id>.wav` (the name before files were shared) would clash between two
 * nodes writing into one folder; a random UUID makes the name globally unique
 * while keeping the call id readable for an operator. Records keep the full
 * path, so recordings written under the old name are still found.
 */
export const recordingFile = (dir: string, callId: number): string => join(dir, `call-${callId}-${randomUUID()}.wav`);
