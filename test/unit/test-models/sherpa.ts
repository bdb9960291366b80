/**
 * The small, typed part of sherpa-onnx-node (an untyped CommonJS addon) that
 * the test-model suites use. Loaded through createRequire, as the engines do.
 */
import { createRequire } from "node:module";

export interface Waveform {
  samples: Float32Array;
  sampleRate: number;
}

export interface RecognitionResult {
  text: string;
  tokens: string[];
  timestamps: number[];
}

export interface OnlineStream {
  acceptWaveform(wave: Waveform): void;
  inputFinished(): void;
}

export interface OnlineRecognizer {
  createStream(): OnlineStream;
  isReady(stream: OnlineStream): boolean;
  decode(stream: OnlineStream): void;
  isEndpoint(stream: OnlineStream): boolean;
  reset(stream: OnlineStream): void;
  getResult(stream: OnlineStream): RecognitionResult;
}

export interface OfflineStream {
  acceptWaveform(wave: Waveform): void;
}

export interface OfflineRecognizer {
  createStream(): OfflineStream;
  decode(stream: OfflineStream): void;
  getResult(stream: OfflineStream): RecognitionResult;
}

export interface OfflineTts {
  readonly sampleRate: number;
  readonly numSpeakers: number;
  generate(request: { text: string; sid: number; speed: number }): Waveform;
}

interface SherpaModule {
  OnlineRecognizer: new (config: object) => OnlineRecognizer;
  OfflineRecognizer: new (config: object) => OfflineRecognizer;
  OfflineTts: new (config: object) => OfflineTts;
}

export function loadSherpa(): SherpaModule {
  return createRequire(import.meta.url)("sherpa-onnx-node") as SherpaModule;
}
