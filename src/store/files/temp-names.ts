import { randomBytes } from "node:crypto";

/**
 * Temporary files are `<final name>.tmp-<hex>`, beside the file they become:
 * the same directory, so the rename that publishes one is atomic (also on an
 * NFS mount), and a random suffix, so two nodes writing the same final name
 * at once never write into each other's temporary file.
 */
export const TEMP_NAME = /\.tmp-[0-9a-f]{8,}$/;

export const tempPathFor = (finalPath: string): string => `${finalPath}.tmp-${randomBytes(8).toString("hex")}`;

export const isTempName = (name: string): boolean => TEMP_NAME.test(name);
