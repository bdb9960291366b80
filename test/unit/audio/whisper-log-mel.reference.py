"""
Reference values for test/unit/audio/whisper-log-mel.test.ts, computed with
numpy's FFT following Hugging Face's WhisperFeatureExtractor math (the steps
in src/audio/whisper-log-mel.ts), independently of our FFT and filterbank.
Run: python3 test/unit/audio/whisper-log-mel.reference.py
"""
import json
import numpy as np

SR, N_FFT, HOP, MELS = 16000, 400, 160, 80


def hz_to_mel(f):
    f = np.atleast_1d(np.asarray(f, dtype=np.float64))
    m = 3.0 * f / 200.0
    big = f >= 1000.0
    m[big] = 15.0 + np.log(f[big] / 1000.0) * (27.0 / np.log(6.4))
    return m


def mel_to_hz(m):
    m = np.atleast_1d(np.asarray(m, dtype=np.float64))
    f = 200.0 * m / 3.0
    big = m >= 15.0
    f[big] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (m[big] - 15.0))
    return f


def filterbank():
    edges = mel_to_hz(np.linspace(hz_to_mel(0.0)[0], hz_to_mel(SR / 2)[0], MELS + 2))
    fft_freqs = np.linspace(0, SR // 2, N_FFT // 2 + 1)
    diff = np.diff(edges)
    slopes = edges[None, :] - fft_freqs[:, None]
    down = -slopes[:, :-2] / diff[:-1]
    up = slopes[:, 2:] / diff[1:]
    fb = np.maximum(0.0, np.minimum(down, up))
    fb *= (2.0 / (edges[2:MELS + 2] - edges[:MELS]))[None, :]
    return fb  # (bins, mels)


def features(audio, seconds, normalize):
    n = SR * seconds
    x = np.zeros(n, dtype=np.float32)
    x[: min(n, len(audio))] = audio[:n]
    if normalize:
        x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)
    x = np.pad(x.astype(np.float64), (N_FFT // 2, N_FFT // 2), mode="reflect")
    window = np.hanning(N_FFT + 1)[:-1]
    frames = 1 + (len(x) - N_FFT) // HOP
    spec = np.stack([np.fft.rfft(x[i * HOP : i * HOP + N_FFT] * window) for i in range(frames)], axis=1)
    power = np.abs(spec) ** 2
    mel = np.maximum(1e-10, filterbank().T @ power)
    log = np.log10(mel)[:, :-1]
    log = np.maximum(log, log.max() - 8.0)
    return ((log + 4.0) / 4.0).astype(np.float32)


def test_signal():
    # 2.5 s: a chirp 200 -> 2200 Hz plus a 1234 Hz tone, then a MINSTD noise burst of 0.5 s.
    t = np.arange(40000) / SR
    voiced = 0.3 * np.sin(2 * np.pi * (200 * t + 400 * t * t)) + 0.1 * np.sin(2 * np.pi * 1234 * t)
    state, noise = 12345, []
    for _ in range(8000):
        state = (48271 * state) % 2147483647  # MINSTD: exact in float64 too
        noise.append((state / 2147483647 - 0.5) * 0.2)
    return np.concatenate([voiced, np.array(noise)]).astype(np.float32)


audio = test_signal()
out = {}
for name, normalize in (("normalized", True), ("raw", False)):
    f = features(audio, 8, normalize)
    cells = [[m, fr] for m in (0, 7, 15, 30, 45, 79) for fr in (0, 50, 120, 230, 270, 799)]
    out[name] = {
        "shape": list(f.shape),
        "sum": float(f.astype(np.float64).sum()),
        "sumSquares": float((f.astype(np.float64) ** 2).sum()),
        "max": float(f.max()),
        "min": float(f.min()),
        "cells": [[m, fr, float(f[m, fr])] for m, fr in cells],
    }
fb = filterbank()
out["filterbank"] = {"sum": float(fb.sum()), "cells": [[k, m, float(fb[k, m])] for k, m in ((1, 0), (2, 1), (14, 10), (46, 30), (94, 50), (190, 79))]}
print(json.dumps(out))
