/**
 * The atomic writer and the temp-file sweep live in `store/files/` (one
 * module for every file in the shared folder); this path stays for the
 * imports that predate it (the TTS cache).
 */
export { sweepTempFiles, writeFileAtomic } from "./files/index.js";
