/**
 * Every file Parley writes into the shared folder (`files.dir`: audio,
 * recordings, the TTS cache) goes through here: atomic publication, globally
 * unique or content-addressed names, checks before reading, and the sweep of
 * temporary files a crashed writer left. docs/scale-out.md, "Shared files".
 */
export { discardTemp, publishTemp, writeFileAtomic } from "./atomic-write.js";
export { checkFileSize, checkWavFile, damagedFile, readVerified } from "./read-checks.js";
export { STALE_TEMP_MS, sweepTempFiles } from "./sweep.js";
export { isTempName, tempPathFor } from "./temp-names.js";
export { recordingFile } from "./unique-names.js";
