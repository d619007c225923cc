"""The visual code (CAPTCHA): an image, an audio version, and a single-use signed token.

Nothing is written when a code is shown. The token carries only a random id
and the time; the answer is derived from that id with the app's secret, so the
image and audio can be drawn from the token alone and nobody can read the
answer out of it. A POST that uses a token records its id as spent, so each
token answers once, and it expires after ten minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import wave
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources

from captcha.image import ImageCaptcha
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from PIL import Image
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.identity import normalise_digits
from absher_web.models import SpentToken
from absher_web.text import constant_time_equal

ANSWER_LENGTH = 5
# The digits a visual code is made of: none of the pairs people misread in a distorted
# image (1 and 7, 0 and the letter O, 0 and 8 once warped). 7**5 = 16,807 answers; each
# token answers once and requests are limited, so guessing stays out of reach.
ALPHABET = "2345689"
TOKEN_MAX_AGE = timedelta(minutes=10)
_SALT = "absher-visual-code"


@dataclass(frozen=True)
class CaptchaPolicy:
    secret_key: str
    fixed_answer: str | None = None


class CaptchaInvalid(Exception):
    """The token is forged, expired or already spent, or the answer is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "wrong", "expired", "spent", "missing"


def _serializer(policy: CaptchaPolicy) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(policy.secret_key, salt=_SALT)


def new_token(policy: CaptchaPolicy) -> str:
    return _serializer(policy).dumps(secrets.token_urlsafe(12))


def _token_id(policy: CaptchaPolicy, token: str, max_age: timedelta | None) -> str:
    try:
        return _serializer(policy).loads(
            token, max_age=int(max_age.total_seconds()) if max_age else None
        )
    except SignatureExpired as error:
        raise CaptchaInvalid("expired") from error
    except BadSignature as error:
        raise CaptchaInvalid("missing") from error


def answer_for(policy: CaptchaPolicy, token: str) -> str:
    """The digits the person must type for this token (raises CaptchaInvalid if forged)."""
    token_id = _token_id(policy, token, max_age=None)
    if policy.fixed_answer:
        return policy.fixed_answer
    digest = hmac.new(policy.secret_key.encode(), f"{_SALT}:{token_id}".encode(),
                      hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    digits = []
    for _ in range(ANSWER_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[index])
    return "".join(digits)


def check_and_spend(session: Session, policy: CaptchaPolicy, token: str, typed: str,
                    now: datetime) -> None:
    """Accept the answer once, or raise CaptchaInvalid. Spends the token either way."""
    if not token:
        raise CaptchaInvalid("missing")
    token_id = _token_id(policy, token, max_age=TOKEN_MAX_AGE)
    expected = answer_for(policy, token)
    try:
        with session.begin_nested():
            session.add(SpentToken(token_id=token_id, expires_at=now + TOKEN_MAX_AGE))
    except IntegrityError as error:
        raise CaptchaInvalid("spent") from error
    if not constant_time_equal(normalise_digits(typed or ""), expected):
        raise CaptchaInvalid("wrong")


def check_visual_code(session: Session, policy: CaptchaPolicy, token: str, typed: str,
                      now: datetime) -> str | None:
    """Spend the visual code's token (every submission spends it); a message key if wrong.

    Commits, so the token stays spent whatever the rest of the form holds.
    """
    try:
        check_and_spend(session, policy, token, typed, now)
    except CaptchaInvalid as invalid:
        return "captcha_required" if invalid.reason == "missing" else f"captcha_{invalid.reason}"
    finally:
        session.commit()
    return None


class LegibleImageCaptcha(ImageCaptcha):
    """The captcha package's drawing, made readable by people: digits tilted and warped a
    little (not 30 degrees), never pushed into each other, in dark ink."""

    character_rotate = (-12, 12)
    character_warp_dx = (0.05, 0.15)
    character_warp_dy = (0.05, 0.15)
    word_offset_dx = 0.05
    # The package blends each glyph by its own brightness, so dark ink came out pale grey;
    # this mask keeps the ink's own colour.
    lookup_table = [min(255, i * 8) for i in range(256)]


# Ink at least this dark: 7:1 or more against the 238-255 background.
INK = (20, 70)


def ink() -> tuple[int, int, int]:
    """A dark ink, a little different for each drawing."""
    return tuple(secrets.randbelow(INK[1] - INK[0] + 1) + INK[0] for _ in range(3))


def image_png(answer: str) -> bytes:
    image = LegibleImageCaptcha(width=200, height=70).generate_image(
        answer, fg_color=(*ink(), 255)).convert("L")
    buffer = io.BytesIO()
    # Eight greys are all the drawing needs: a 4-bit PNG is 40% smaller on a slow link.
    eight_greys(image).save(buffer, "PNG", optimize=True, bits=4)
    return buffer.getvalue()


def eight_greys(image: Image.Image) -> Image.Image:
    """The drawing in eight greys evenly spread from its ink to white, the ink kept as it is.
    PIL's own quantizer picks the greys from the drawing and, with the darkest ink, could
    merge the ink with its paler edges: the digits came out at 6:1 instead of 7:1."""
    darkest = image.getextrema()[0]
    step = (255 - darkest) / 7 or 1
    # Each grey down to its level: the ink's paler edges join the ink, as a pen's would.
    levels = [round(darkest + int((max(value, darkest) - darkest) / step) * step)
              for value in range(256)]
    return image.point(levels).quantize(8)


@cache
def _digit_frames(lang: str) -> tuple[tuple[bytes, ...], tuple]:
    voices = resources.files("absher_web").joinpath(f"data/voices/{lang}")
    frames, params = [], None
    for digit in range(10):
        with wave.open(io.BytesIO(voices.joinpath(f"{digit}.wav").read_bytes())) as recording:
            params = recording.getparams()
            frames.append(recording.readframes(recording.getnframes()))
    return tuple(frames), params


def audio_wav(answer: str, lang: str) -> bytes:
    """The answer spoken digit by digit in the page's language, with pauses between."""
    frames, params = _digit_frames(lang)
    pause = b"\x80" * int(params.framerate * 0.45) * params.sampwidth * params.nchannels
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setparams(params)
        out.writeframes(pause)
        for digit in answer:
            out.writeframes(frames[int(digit)] + pause)
    return buffer.getvalue()
