export { TtsCache, type CacheRender, type RenderOptions, type TtsSource } from "./tts-cache.js";
export { CACHE_RATE, cacheKey, normaliseText, type Voice } from "./cache-key.js";
export type { CacheUse } from "./cache-metrics.js";
export { DamagedRender } from "./cache-file.js";
