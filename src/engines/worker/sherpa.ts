import { createRequire } from "node:module";

/**
 * The typed surface of sherpa-onnx-node that Parley uses. The package is
 * untyped CommonJS with a native addon; everything else goes through here.
 */
export interface SherpaWave {
  samples: Float32Array;
  sampleRate: number;
}

export interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  pop(): void;
  front(enableExternalBuffer?: boolean): { start: number; samples: Float32Array };
  flush(): void;
  reset(): void;
}

export interface SherpaOnlineStream {
  acceptWaveform(wave: SherpaWave): void;
  inputFinished(): void;
}

export interface SherpaOnlineRecognizer {
  createStream(): SherpaOnlineStream;
  isReady(stream: SherpaOnlineStream): boolean;
  decode(stream: SherpaOnlineStream): void;
  /** One batched model run over streams that are all ready. */
  decodeStreams(streams: SherpaOnlineStream[]): void;
  isEndpoint(stream: SherpaOnlineStream): boolean;
  reset(stream: SherpaOnlineStream): void;
  getResult(stream: SherpaOnlineStream): { text: string; tokens: string[]; timestamps: number[] };
}

export interface SherpaOfflineStream {
  acceptWaveform(wave: SherpaWave): void;
}

export interface SherpaOfflineRecognizer {
  createStream(): SherpaOfflineStream;
  decode(stream: SherpaOfflineStream): void;
  decodeAsync(stream: SherpaOfflineStream): Promise<unknown>;
  getResult(stream: SherpaOfflineStream): { text: string; tokens: string[]; timestamps: number[]; lang?: string };
  /** Replaces the config between streams (sherpa-onnx applies a Whisper model's language and task). */
  setConfig(config: Record<string, unknown>): void;
}

export interface SherpaOfflineTts {
  readonly sampleRate: number;
  readonly numSpeakers: number;
  generateAsync(request: {
    text: string;
    sid: number;
    speed: number;
    enableExternalBuffer?: boolean;
    onProgress?: (info: { samples: Float32Array; progress: number }) => number | boolean | void;
  }): Promise<SherpaWave>;
}

export interface SherpaModule {
  Vad: new (config: Record<string, unknown>, bufferSizeInSeconds: number) => SherpaVad;
  OnlineRecognizer: new (config: Record<string, unknown>) => SherpaOnlineRecognizer;
  OfflineRecognizer: new (config: Record<string, unknown>) => SherpaOfflineRecognizer;
  OfflineTts: new (config: Record<string, unknown>) => SherpaOfflineTts;
  readWave(file: string, enableExternalBuffer?: boolean): SherpaWave;
}

let cached: SherpaModule | null = null;

/** Loads the native addon once per thread. */
export function loadSherpa(): SherpaModule {
  if (!cached) {
    const require = createRequire(import.meta.url);
    cached = require("sherpa-onnx-node") as SherpaModule;
  }
  return cached;
}
