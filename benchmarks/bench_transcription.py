"""Benchmark transcription (word error rate, speed) and the Whisper CTranslate2 encoder.

Run ``python benchmarks/bench_transcription.py [--n-docs 24] [--threads 1] [--hour]``;
it rewrites the "transcription" section of ``docs/benchmarks.md``.

1. ``WhisperTranscriber`` defaults (tiny.en, int8, Silero VAD) on spoken reviews
   built with ``--random-state`` (default 2: no setting was chosen on it): word error
   rate against the spoken text, speed in x real time (model loaded; cold cache),
   segment lengths after re-segmentation.
2. The ``whisper-tiny.en`` encoder against the bare ``ctranslate2`` ``encode``
   call on the same 6.5 s segments (log-mel precomputed for the bare call), and
   the cropped variant, in segments per second; cosine between the two variants.
3. With ``--hour``: a 10-minute and a 60-minute recording (the reviews' WAVs end to end),
   transcribed in a subprocess whose resident memory is sampled every 0.2 s.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import machine_description, write_section  # noqa: E402

from sklearn_hilbert.datasets.spoken_reviews import fetch_spoken_reviews  # noqa: E402
from sklearn_hilbert.encoders.registry import resolve_audio_encoder  # noqa: E402
from sklearn_hilbert.encoders.whisper_ct2 import log_mel  # noqa: E402
from sklearn_hilbert.transcription import WhisperTranscriber, word_error_rate  # noqa: E402


def bench_asr(data, threads):
    wavs = [d[0].path for d in data.documents]
    tr = WhisperTranscriber(cpu_threads=threads, progress=True)
    tr._runner().load()
    start = time.perf_counter()
    heard = tr.transform(wavs)
    took = time.perf_counter() - start
    audio = sum(d.metadata["duration"] for d in heard)
    wer = word_error_rate([" ".join(s.text for s in d) for d in data.documents],
                          [" ".join(s.text for s in d) for d in heard])
    per_voice = {}
    for d, h, v in zip(data.documents, heard, data.targets["voice"]):
        per_voice.setdefault(v, ([], []))
        per_voice[v][0].append(" ".join(s.text for s in d))
        per_voice[v][1].append(" ".join(s.text for s in h))
    lengths = np.array([s.end - s.start for d in heard for s in d])
    conf = np.array([d.metadata["asr_confidence"] for d in heard])
    return {"wer": wer, "xrt": audio / took, "audio_min": audio / 60, "seconds": took,
            "wer_voice": {v: word_error_rate(*p) for v, p in sorted(per_voice.items())},
            "len": np.percentile(lengths, [5, 50, 95]), "n_seg": lengths.size,
            "conf_min": conf.min(), "conf_median": np.median(conf)}


def bench_encoder(data, threads, n_segments=48, repeats=2):
    import ctranslate2

    waves = []
    for d in data.documents:
        for s in d:
            w, _ = s.load_audio()
            waves.append(w)
    waves = waves[:n_segments]
    full = resolve_audio_encoder("whisper-tiny.en")
    crop = resolve_audio_encoder("whisper-tiny.en-cropped")
    full.threads = crop.threads = threads
    model = full._ensure_loaded()
    crop._ensure_loaded()
    feats = np.stack([log_mel(w) for w in waves])
    times = {"bare": [], "full": [], "crop": []}
    for _ in range(repeats):
        t = time.perf_counter()
        for k in range(0, len(waves), 8):
            model.encode(ctranslate2.StorageView.from_array(feats[k:k + 8]), to_cpu=True)
        times["bare"].append(time.perf_counter() - t)
        t = time.perf_counter()
        a = full.encode(waves, batch_size=8)
        times["full"].append(time.perf_counter() - t)
        t = time.perf_counter()
        b = crop.encode(waves, batch_size=8)
        times["crop"].append(time.perf_counter() - t)
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    rate = {k: len(waves) / min(v) for k, v in times.items()}
    return {"rate": rate, "cos": np.percentile(cos, [5, 50]), "n": len(waves),
            "mean_s": np.mean([w.size for w in waves]) / 16000}


_HOUR = """
import sys, threading, time
from sklearn_hilbert.transcription.transcribe import WhisperRunner

def rss():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmRSS")) / 1024

r = WhisperRunner(cpu_threads=int(sys.argv[2])); r.load()
base, peak, done = rss(), [0.0], []
def watch():
    while not done:
        peak[0] = max(peak[0], rss())
        time.sleep(0.2)
threading.Thread(target=watch, daemon=True).start()
t = time.perf_counter(); tr = r.transcribe(sys.argv[1]); took = time.perf_counter() - t
done.append(1)
print(tr.duration, took, base, peak[0], len(tr.words))
"""


def bench_hour(data, threads, folder, seconds=3600):
    waves = [sf.read(d[0].path, dtype="float32")[0] for d in data.documents]
    hour = np.concatenate(waves * int(np.ceil(seconds * 16000 / sum(w.size for w in waves))))
    path = Path(folder) / "hour.wav"
    sf.write(path, hour[:seconds * 16000], 16000, subtype="PCM_16")
    out = subprocess.run([sys.executable, "-c", _HOUR, str(path), str(threads)],
                         capture_output=True, text=True, check=True).stdout.split()
    dur, took, base, peak, n_words = map(float, out)
    return {"dur": dur, "took": took, "base_mb": base, "peak_mb": peak, "words": int(n_words),
            "file_mb": path.stat().st_size / 2**20}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-docs", type=int, default=24)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--hour", action="store_true")
    ap.add_argument("--random-state", type=int, default=2,
                    help="corpus seed (default 2; settings were chosen on 0 and 1)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    data = fetch_spoken_reviews(n_docs=args.n_docs, max_segments=20,
                                random_state=args.random_state)
    asr = bench_asr(data, args.threads)
    print(asr, flush=True)
    enc = bench_encoder(data, args.threads)
    print(enc, flush=True)
    hour = None
    if args.hour:
        with tempfile.TemporaryDirectory() as tmp:
            ten = bench_hour(data, args.threads, tmp, seconds=600)
            hour = bench_hour(data, args.threads, tmp)
        print(ten, hour, flush=True)
    cmd = (f"python benchmarks/bench_transcription.py --n-docs {args.n_docs} "
           f"--threads {args.threads} --random-state {args.random_state}")
    lines = [
        "## Transcription and the Whisper encoder (`benchmarks/bench_transcription.py`)", "",
        f"{machine_description()}; `{cmd}{' --hour' if args.hour else ''}`; CTranslate2 on "
        f"{args.threads} thread(s), on a machine shared with other jobs. Spoken reviews built "
        f"with `random_state={args.random_state}` ({args.n_docs} documents, first 20 "
        "segments, four espeak-ng voices); no setting was chosen on them (int8, the "
        "confidence threshold and the cut bonuses were chosen on seeds 0 and 1).",
        "",
        "| transcription (tiny.en, int8, Silero VAD) | value |", "|---|---|",
        f"| audio | {asr['audio_min']:.1f} min |",
        f"| word error rate (all voices) | {asr['wer']:.3f} |",
        *[f"| word error rate, voice `{v}` | {w:.3f} |" for v, w in asr["wer_voice"].items()],
        f"| speed | {asr['xrt']:.1f}x real time ({asr['seconds']:.0f} s, model loaded) |",
        f"| segments after re-segmentation | {asr['n_seg']}, length 5/50/95th pct "
        f"{asr['len'][0]:.1f} / {asr['len'][1]:.1f} / {asr['len'][2]:.1f} s |",
        f"| mean word confidence per document | median {asr['conf_median']:.2f}, "
        f"min {asr['conf_min']:.2f} (warning below 0.55) |", "",
        f"| encoder on {enc['n']} segments of {enc['mean_s']:.1f} s (batches of 8) "
        "| segments/s |", "|---|---|",
        "| bare `ctranslate2` `Whisper.encode`, log-mel precomputed "
        f"| {enc['rate']['bare']:.2f} |",
        f"| `whisper-tiny.en` (log-mel + encode + pooling) | {enc['rate']['full']:.2f} "
        f"({enc['rate']['full'] / enc['rate']['bare']:.2f}x bare) |",
        f"| `whisper-tiny.en-cropped` (window rounded up to 1 s) | {enc['rate']['crop']:.2f} "
        f"({enc['rate']['crop'] / enc['rate']['full']:.1f}x the full window) |",
        f"| cosine full vs cropped vectors | median {enc['cos'][1]:.3f}, 5th pct "
        f"{enc['cos'][0]:.3f} |",
    ]
    if hour:
        lines += ["", f"One-hour recording ({hour['file_mb']:.0f} MiB WAV): transcribed in "
                  f"{hour['took']:.0f} s ({hour['dur'] / hour['took']:.1f}x real time), "
                  f"{hour['words']} words; resident memory {hour['base_mb']:.0f} MiB with the "
                  f"models loaded, at most {hour['peak_mb']:.0f} MiB while transcribing "
                  f"(sampled every 0.2 s; the audio as float32 would take 220 MiB). A "
                  f"10-minute recording: {ten['base_mb']:.0f} MiB loaded, at most "
                  f"{ten['peak_mb']:.0f} MiB, {ten['dur'] / ten['took']:.1f}x real time."]
    if not args.no_write:
        write_section("transcription", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
