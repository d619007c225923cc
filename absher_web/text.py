"""Text normalisation for matching what people type against what we store.

Used by the services search and (later) security answers: one rule, one place.
"""

from __future__ import annotations

import re
import unicodedata

from absher_web.identity import normalise_digits_only

# Arabic letter forms that people type interchangeably.
ARABIC_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
# Harakat, tanween, shadda, sukun, superscript alef, and the tatweel (kashida).
ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
SPACES = re.compile(r"\s+")


def normalise_for_matching(value: str) -> str:
    value = unicodedata.normalize("NFKC", value)
    value = ARABIC_MARKS.sub("", value)
    value = value.translate(ARABIC_VARIANTS)
    value = normalise_digits_only(value)
    return SPACES.sub(" ", value).strip().casefold()
