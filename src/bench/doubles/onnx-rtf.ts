import { loadSherpa } from "../../engines/worker/sherpa.js";

/** Wall time of `fn`, in ms. */
function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Silero-slot VAD over `samples` (16 kHz) in 512-sample windows, as the VAD worker feeds it: ms spent. */
export function vadMs(config: Record<string, unknown>, samples: Float32Array): number {
  const vad = new (loadSherpa().Vad)(config, 60);
  return timed(() => {
    for (let i = 0; i + 512 <= samples.length; i += 512) {
      vad.acceptWaveform(samples.subarray(i, i + 512));
      while (!vad.isEmpty()) vad.pop();
    }
  });
}

/** Streaming recognizer (one stream, whole audio, decoded as it becomes ready): ms spent and the text. */
export function streamingMs(
  config: Record<string, unknown>,
  samples: Float32Array,
  sampleRate: number,
): { ms: number; text: string } {
  const recognizer = new (loadSherpa().OnlineRecognizer)(config);
  const stream = recognizer.createStream();
  const texts: string[] = [];
  const ms = timed(() => {
    stream.acceptWaveform({ samples, sampleRate });
    stream.inputFinished();
    // Endpoints end an utterance; the engine resets the stream there and goes on, as here.
    for (;;) {
      while (recognizer.isReady(stream)) recognizer.decode(stream);
      if (!recognizer.isEndpoint(stream)) break;
      texts.push(recognizer.getResult(stream).text);
      recognizer.reset(stream);
    }
  });
  texts.push(recognizer.getResult(stream).text);
  return { ms, text: texts.filter((t) => t.length > 0).join(" ") };
}

/** Offline recognizer on the whole audio: ms spent in decode and the text. */
export function batchMs(
  config: Record<string, unknown>,
  samples: Float32Array,
  sampleRate: number,
): { ms: number; text: string } {
  const recognizer = new (loadSherpa().OfflineRecognizer)(config);
  const stream = recognizer.createStream();
  stream.acceptWaveform({ samples, sampleRate });
  const ms = timed(() => recognizer.decode(stream));
  return { ms, text: recognizer.getResult(stream).text };
}

/** Offline TTS of `text`: ms spent and the samples made. */
export async function ttsMs(config: Record<string, unknown>, text: string): Promise<{ ms: number; samples: number }> {
  const tts = new (loadSherpa().OfflineTts)(config);
  const t0 = performance.now();
  const wave = await tts.generateAsync({ text, sid: 0, speed: 1 });
  return { ms: performance.now() - t0, samples: wave.samples.length };
}
