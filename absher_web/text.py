"""Text normalisation for matching what people type against what we store.

Used by the services search and (later) security answers: one rule, one place.
"""

from __future__ import annotations

import hmac
import re
import unicodedata

from absher_web.identity import normalise_digits_only

# Arabic letter forms that people type interchangeably.
ARABIC_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
# Harakat, tanween, shadda, sukun, superscript alef, and the tatweel (kashida).
ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
SPACES = re.compile(r"\s+")
# C0 and C1 controls (NUL included), lone surrogates, and the bidi embeddings, overrides
# and isolates that can make text display other than it reads (CVE-2021-42574).
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def normalise_for_matching(value: str) -> str:
    value = unicodedata.normalize("NFKC", value)
    value = ARABIC_MARKS.sub("", value)
    value = value.translate(ARABIC_VARIANTS)
    value = normalise_digits_only(value)
    return SPACES.sub(" ", value).strip().casefold()


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def constant_time_equal(typed: str, expected: str) -> bool:
    """Compare secrets in constant time, whatever the text holds.

    hmac.compare_digest refuses non-ASCII str with a TypeError; as UTF-8 bytes (lone
    surrogates kept by 'surrogatepass') any Unicode a visitor types compares safely.
    """
    return hmac.compare_digest(typed.encode("utf-8", "surrogatepass"),
                               expected.encode("utf-8", "surrogatepass"))
