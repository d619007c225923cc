"""A newborn's first name: the rules Civil Affairs checks, and the lists they read.

The lists are data files (absher_web/data/names/), read once per process:
- accepted.txt: common first names, Arabic with their usual English form. A name on it is
  registered at once; a name breaking no rule but not on it goes to a Civil Affairs
  officer (``listed`` is False), never refused for that alone;
- refused.txt: names Civil Affairs refuses;
- titles.txt: titles and honorifics (الأمير، الشيخ، سمو، Prince...), never part of a name.

The rules, in the order they are checked, each its own message key (forms/messages.py):
a name is typed; it is not too long; it holds no title; it is one name (one word: عبد
الله written as two words is refused, and an English "Al-" in front is named as such);
Arabic letters only in the Arabic field, Latin letters only in the English one; not on
the refused list; a compound written as one word (عبد…, أبو…, Abdul…, Abu…) only if it is
on the accepted list (عبدالله); no "ال" article in front unless the name is on the
accepted list (الجوهرة, العنود).

Decisions: Arabic diacritics and the tatweel are dropped (the registry stores names
without them) and the text is NFKC-normalised, so presentation forms match the lists;
names are compared with the hamza forms of alef, final ya and ta marbuta folded, and in
English without case. An English name is stored capitalised (Saad).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

LONGEST = 20  # characters of one first name, either language
ARABIC_LETTERS = re.compile(r"[\u0621-\u063A\u0641-\u064A]+")
LATIN_LETTERS = re.compile(r"[A-Za-z]+")
_MARKS = re.compile(r"[\u0640\u064B-\u065F\u0670]")  # tatweel, diacritics
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})
# Compounds written as one word: a name beginning so is accepted only from the list.
ARABIC_COMPOUNDS = ("عبد", "ابو")
LATIN_COMPOUNDS = ("abd", "abu")
ARABIC_ARTICLE = "ال"
LATIN_ARTICLES = ("al-", "el-")


def _lines(name: str) -> list[str]:
    text = resources.files("absher_web").joinpath("data", "names", name).read_text("utf-8")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def key(text: str) -> str:
    """How two spellings of one name compare."""
    return clean(text).translate(_FOLD).casefold().replace("-", "")


@dataclass(frozen=True)
class Lists:
    accepted_ar: frozenset[str]
    accepted_en: frozenset[str]
    refused: frozenset[str]
    titles: frozenset[str]
    # Each accepted Arabic name's accepted English forms (a name may have several lines).
    english_of: dict[str, frozenset[str]]


@cache
def lists() -> Lists:
    accepted_ar, accepted_en = set(), set()
    english_of: dict[str, set[str]] = {}
    for line in _lines("accepted.txt"):
        arabic, _, english = line.partition("|")
        accepted_ar.add(key(arabic))
        if english.strip():
            accepted_en.add(key(english))
            english_of.setdefault(key(arabic), set()).add(key(english))
    refused = {key(part) for line in _lines("refused.txt") for part in line.split("|")
               if part.strip()}
    titles = {key(line) for line in _lines("titles.txt")}
    return Lists(frozenset(accepted_ar), frozenset(accepted_en), frozenset(refused),
                 frozenset(titles),
                 {arabic: frozenset(forms) for arabic, forms in english_of.items()})


def clean(text: str) -> str:
    """The name as stored: NFKC, without diacritics or tatweel, spaces trimmed and
    collapsed."""
    text = _MARKS.sub("", unicodedata.normalize("NFKC", text or ""))
    return " ".join(text.split())


def _without_article(word_key: str) -> str:
    return word_key[2:] if word_key.startswith(ARABIC_ARTICLE) else word_key


def _is_title(word: str) -> bool:
    titles = lists().titles
    word_key = key(word)
    return word_key in titles or _without_article(word_key) in {
        _without_article(title) for title in titles}


def arabic_problem(text: str) -> str | None:
    """The message key of the first rule the Arabic first name breaks, or None."""
    name = clean(text)
    if not name:
        return "birth_name_ar_required"
    if len(name) > LONGEST:
        return "birth_name_too_long"
    words = name.split(" ")
    # A name on the list is a name, even where a title has the same letters (أميرة, شيخة).
    if key(name) not in lists().accepted_ar and any(_is_title(word) for word in words):
        return "birth_name_title"
    if len(words) > 1:
        return "birth_name_one"
    if not ARABIC_LETTERS.fullmatch(name):
        return "birth_name_ar_letters"
    if key(name) in lists().refused:
        return "birth_name_refused"
    listed = key(name) in lists().accepted_ar
    if not listed and key(name).startswith(ARABIC_COMPOUNDS) and len(name) > 4:
        return "birth_name_compound"
    if not listed and name.startswith(ARABIC_ARTICLE):
        return "birth_name_ar_article"
    return None


def english_problem(text: str) -> str | None:
    """The message key of the first rule the English form breaks, or None."""
    name = clean(text)
    if not name:
        return "birth_name_en_required"
    if len(name) > LONGEST:
        return "birth_name_too_long"
    words = name.split(" ")
    if key(name) not in lists().accepted_en and any(_is_title(word.strip("."))
                                                     for word in words):
        return "birth_name_title"
    lowered = name.casefold()
    listed = key(name) in lists().accepted_en
    if not listed and (lowered.startswith(LATIN_ARTICLES)
                       or (len(words) > 1 and words[0].casefold() in ("al", "el"))):
        return "birth_name_en_article"
    if len(words) > 1:
        return "birth_name_one"
    if not LATIN_LETTERS.fullmatch(name):
        return "birth_name_en_letters"
    if key(name) in lists().refused:
        return "birth_name_refused"
    if not listed and lowered.startswith(LATIN_COMPOUNDS) and len(name) > 5:
        return "birth_name_compound"
    return None


def english_form(text: str) -> str:
    """The English form as stored: one capital, the rest as typed in lower case."""
    name = clean(text)
    return name[:1].upper() + name[1:].lower()


def is_listed(arabic: str, english: str | None = None) -> bool:
    """On the accepted list, with (when given) one of its accepted English forms: registered
    without an officer. An English form the list does not give for that name goes to an
    officer, who checks it matches (it goes on the child's passport)."""
    arabic_key = key(arabic)
    if arabic_key not in lists().accepted_ar:
        return False
    return english is None or key(english) in lists().english_of.get(arabic_key, frozenset())
