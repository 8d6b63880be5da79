"""Speech synthesis with the ``espeak-ng`` program (Debian package ``espeak-ng``).

espeak-ng is called as a program, one call per segment, text on stdin and a
WAV on stdout; the 22.05 kHz output is resampled to the wanted rate with a
polyphase filter.
"""

import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly

INSTALL_HINT = (
    "espeak-ng is not installed. Install it with your package manager, e.g. "
    "`sudo apt-get install espeak-ng` (Debian/Ubuntu), `brew install espeak-ng` (macOS) "
    "or `dnf install espeak-ng` (Fedora); `make system-deps` does it on Debian/Ubuntu."
)


@dataclass(frozen=True)
class Voice:
    """One synthetic speaker.

    Parameters
    ----------
    name : str
        Label written in the manifest's ``voice`` column.
    espeak_voice : str
        espeak-ng voice (accent), e.g. ``"en-us"`` or ``"en-gb-scotland"``.
    pitch : int
        espeak-ng pitch, 0-99 (50 is the default).
    rate : int
        Speaking rate in words per minute (175 is the default).
    group : str
        Coarse voice group used by the ``joint`` task (``"low"`` or ``"high"`` pitch).
    """

    name: str
    espeak_voice: str
    pitch: int
    rate: int
    group: str

    def jittered(self, rng, pitch_jitter=6, rate_jitter=12):
        """The same accent with pitch and rate moved by a random amount (another speaker)."""
        return Voice(
            self.name,
            self.espeak_voice,
            int(np.clip(self.pitch + rng.integers(-pitch_jitter, pitch_jitter + 1), 0, 99)),
            int(np.clip(self.rate + rng.integers(-rate_jitter, rate_jitter + 1), 80, 450)),
            self.group,
        )


def espeak_path():
    """Path of the ``espeak-ng`` program; raises ``RuntimeError`` saying how to install it."""
    path = shutil.which("espeak-ng")
    if path is None:
        raise RuntimeError(INSTALL_HINT)
    return path


def _parse_wav(data):
    """Decode espeak-ng's 16-bit mono WAV from stdout (its length fields may be bogus)."""
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise RuntimeError(f"espeak-ng did not return a WAV file ({len(data)} bytes).")
    rate = int.from_bytes(data[24:28], "little")
    channels = int.from_bytes(data[22:24], "little")
    bits = int.from_bytes(data[34:36], "little")
    if channels != 1 or bits != 16:
        raise RuntimeError(f"Unexpected espeak-ng output: {channels} channel(s), {bits} bits.")
    pos = 12
    while pos + 8 <= len(data):  # walk the chunks to the "data" chunk
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if chunk == b"data":
            pcm = data[pos + 8 :]
            pcm = pcm[: len(pcm) - len(pcm) % 2]
            return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0, rate
        pos += 8 + size
    raise RuntimeError("espeak-ng's WAV has no data chunk.")


def synthesize(text, voice, sample_rate=16000):
    """Speak ``text`` with ``voice``; return a mono float32 waveform at ``sample_rate``.

    Parameters
    ----------
    text : str
        What to say (one segment).
    voice : Voice
        Accent, pitch and rate.
    sample_rate : int, default=16000
        Sample rate of the returned waveform.

    Returns
    -------
    ndarray of shape (n_samples,)
        Float32 samples in [-1, 1].

    Examples
    --------
    >>> from sklearn_hilbert.datasets._espeak import Voice, synthesize
    >>> wave = synthesize("hello world", Voice("us", "en-us", 50, 175, "low"))
    >>> wave.dtype, 0.3 < wave.size / 16000 < 2.0
    (dtype('float32'), True)
    """
    cmd = [
        espeak_path(), "--stdin", "--stdout", "-z", "-b", "1",
        "-v", voice.espeak_voice, "-p", str(voice.pitch), "-s", str(voice.rate),
    ]
    proc = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"espeak-ng failed (exit {proc.returncode}) on {text[:60]!r}: "
            f"{proc.stderr.decode(errors='replace').strip()}"
        )
    wave, rate = _parse_wav(proc.stdout)
    if rate != sample_rate:
        ratio = Fraction(sample_rate, rate)
        wave = resample_poly(wave, ratio.numerator, ratio.denominator).astype(np.float32)
    return np.clip(wave, -1.0, 1.0)
