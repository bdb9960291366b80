import { join } from "node:path";
import type { ParleyConfig } from "./index.js";

/** Where a configuration keeps its state, all under dataDir. */
export const databaseFile = (config: ParleyConfig): string => join(config.dataDir, "parley.db");
export const audioDir = (config: ParleyConfig): string => join(config.dataDir, "audio");
export const recordingsDir = (config: ParleyConfig): string => join(config.dataDir, "recordings");
export const ttsCacheDir = (config: ParleyConfig): string => join(config.dataDir, "tts-cache");
