"""Record the spoken digits for the audio visual code, once, with espeak-ng.

Run by a maintainer when the voices need changing (needs Debian's espeak-ng);
the WAV files it writes are committed under absher_web/data/voices/.

    python scripts/record_digit_voices.py

Output: 11,025 Hz, 8-bit unsigned mono - small files that any browser plays.
"""

from __future__ import annotations

import array
import io
import subprocess
import wave
from pathlib import Path

VOICES = Path(__file__).resolve().parent.parent / "absher_web" / "data" / "voices"
WORDS = {
    "ar": ["صفر", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
}


def speak(word: str, voice: str) -> bytes:
    return subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "130", "--stdout", word],
        check=True, capture_output=True,
    ).stdout


def to_small_wav(recording: bytes) -> bytes:
    with wave.open(io.BytesIO(recording)) as source:
        assert source.getsampwidth() == 2 and source.getnchannels() == 1
        rate = source.getframerate()
        samples = array.array("h", source.readframes(source.getnframes()))
    step = max(1, round(rate / 11025))
    # Average each group of samples (a crude low-pass) and drop to 8-bit unsigned.
    reduced = bytearray()
    for start in range(0, len(samples) - step + 1, step):
        mean = sum(samples[start:start + step]) / step
        reduced.append(max(0, min(255, int(mean / 256) + 128)))
    # Trim leading and trailing silence so the digits come at an even pace.
    loud = [i for i, value in enumerate(reduced) if abs(value - 128) > 4]
    if loud:
        reduced = reduced[loud[0]:loud[-1] + 1]
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(1)
        target.setframerate(rate // step)
        target.writeframes(bytes(reduced))
    return out.getvalue()


def main() -> None:
    for lang, words in WORDS.items():
        folder = VOICES / lang
        folder.mkdir(parents=True, exist_ok=True)
        for digit, word in enumerate(words):
            (folder / f"{digit}.wav").write_bytes(to_small_wav(speak(word, lang)))
        print(f"{lang}: {len(words)} digits written to {folder}")


if __name__ == "__main__":
    main()
