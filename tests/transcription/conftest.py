"""Fixtures of the transcription tests: short espeak-ng speech made at test time, hostile files."""

import numpy as np
import pytest
import soundfile as sf

from sklearn_hilbert.audio_io import resample
from sklearn_hilbert.datasets._espeak import Voice, synthesize
from sklearn_hilbert.transcription import WhisperTranscriber

SR = 16000
US = Voice("us", "en-us", 50, 165, "low")
SENTENCES = [
    "I went to see this movie last night with my brother.",
    "The plot was thin, but the actors did their best with what they had.",
    "Honestly the music was the only thing that kept me awake.",
    "Some scenes dragged on for far too long, and the ending made no sense at all.",
]
TEXT = " ".join(SENTENCES)


def silence(seconds, sr=SR):
    return np.zeros(int(seconds * sr), np.float32)


@pytest.fixture(scope="session")
def speech():
    """The four sentences spoken with 0.4 s pauses, 1 s of silence before and after."""
    parts = [silence(1.0)]
    for s in SENTENCES:
        parts += [synthesize(s, US, SR), silence(0.4)]
    return np.concatenate(parts + [silence(0.6)])


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory, speech):
    """Recordings good and bad: WAV speech, stereo 44.1 kHz FLAC and MP3, silence, noise,
    a corrupt header, German speech."""
    d = tmp_path_factory.mktemp("recordings")
    sf.write(d / "review.wav", speech, SR, subtype="PCM_16")
    short = np.concatenate([silence(0.3), synthesize(SENTENCES[2], US, SR), silence(0.3)])
    hi = resample(short, SR, 44100)
    stereo = np.stack([hi, 0.5 * hi], axis=1)
    sf.write(d / "stereo.flac", stereo, 44100)
    sf.write(d / "stereo.mp3", stereo, 44100, format="MP3")
    sf.write(d / "silence.wav", silence(5.0), SR)
    rng = np.random.default_rng(0)
    sf.write(d / "noise.wav", (0.05 * rng.normal(size=5 * SR)).astype(np.float32), SR)
    (d / "corrupt.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage" + bytes(200))
    german = synthesize("Guten Morgen, ich heiße Anna und wohne seit zehn Jahren in Berlin. "
                        "Das Wetter ist heute schön.", Voice("de", "de", 50, 160, "low"), SR)
    sf.write(d / "german.wav", np.concatenate([silence(0.3), german, silence(0.3)]), SR)
    return d


@pytest.fixture(scope="session")
def transcriber(tmp_path_factory):
    """One transcriber (the model loads once per session), one thread, a disk cache."""
    return WhisperTranscriber(cpu_threads=1, progress=False,
                              cache=tmp_path_factory.mktemp("transcripts"))
