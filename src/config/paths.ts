import { join } from "node:path";
import type { ParleyConfig } from "./index.js";

/** Where a configuration keeps its state: the database under dataDir. */
export const databaseFile = (config: ParleyConfig): string => join(config.dataDir, "parley.db");

/** The folder of audio, recordings and the TTS cache: `files.dir` (shared by the nodes), or dataDir. */
export const filesDir = (config: ParleyConfig): string => config.files.dir ?? config.dataDir;
export const audioDir = (config: ParleyConfig): string => join(filesDir(config), "audio");
export const recordingsDir = (config: ParleyConfig): string => join(filesDir(config), "recordings");
export const ttsCacheDir = (config: ParleyConfig): string => join(filesDir(config), "tts-cache");
