"""The catalogs at run time (localisation.CatalogDomain): each language's catalog read once
per process without the translations that fail a check, read again after a save in
development, and the pseudo-locales made from the English catalog."""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.support import NullTranslations, Translations

from absher_web.catalogs import (
    DOMAIN,
    forms,
    message_problems,
    mo_bytes,
    read_catalog,
    source_text,
)

# The logger operators already filter on (these lived in catalogs.py).
log = logging.getLogger("absher_web.catalogs")


def without_broken(catalog: Catalog, name: str,
                   warn: Callable[[str], None] | None = None) -> Catalog:
    """The catalog less every translation that fails a check, each named once in a warning:
    the site shows that string's English source instead."""
    language = str(catalog.locale) if catalog.locale else name
    broken = []
    for message in catalog:
        problems = message_problems(message, language, catalog.num_plurals)
        if problems:
            broken.append(message)
            (warn or log.warning)(
                f"{name} catalog: the translation of {source_text(message)!r} is not used, "
                f"the English source is shown: {'; '.join(problems)}")
    for message in broken:
        catalog.delete(message.id, message.context)
    return catalog


def translations_of(catalog: Catalog) -> Translations:
    return Translations(io.BytesIO(mo_bytes(catalog)), domain=DOMAIN)


# Pseudo-localisation: letters swapped for accented ones, about 40% longer, between ⟦ ⟧;
# placeholders, %%, HTML tags and entities kept exactly.
ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ")
KEEP = re.compile(r"%\(\w+\)[#0 +\-]*\d*(?:\.\d+)?[a-zA-Z]|%%|<[^>]*>|&#?\w+;")
PADDING = "·ļöŕéɱ îþšûɱ đöĺöŕ šîţ àɱéţ çöñšéçţéţûŕ àđîþîšçîñĝ éĺîţ"
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"
PSEUDO_LANGUAGES = {"xa": ("en", "en-XA", "ltr"), "xb": ("en", "ar-XB", "rtl")}


def pseudo(text: str) -> str:
    if not text:
        return text
    parts, visible, position = [], 0, 0
    for match in KEEP.finditer(text):
        plain = text[position:match.start()]
        parts += (plain.translate(ACCENTED), match.group())
        visible += len(plain)
        position = match.end()
    plain = text[position:]
    parts.append(plain.translate(ACCENTED))
    visible += len(plain)
    extra = max(1, round(visible * 0.4))
    padding = (PADDING * (extra // len(PADDING) + 1))[:extra]
    return f"{PSEUDO_OPEN}{''.join(parts)}{padding}{PSEUDO_CLOSE}"


def pseudo_catalog(english: Catalog, language: str) -> Catalog:
    catalog = Catalog(locale="en", domain=DOMAIN)
    for message in english:
        if not message.id or message.fuzzy:
            continue
        sources = forms(message) if all(forms(message)) else (
            tuple(message.id) if message.pluralizable else (message.id,))
        strings = tuple(pseudo(text) for text in sources)
        catalog.add(message.id, strings if message.pluralizable else strings[0],
                    context=message.context)
    return catalog


class PseudoLocale(Locale):
    """The base language's Locale (dates and numbers as English), marked with the pseudo
    language whose catalog the page reads."""

    pseudo: str = ""


def pseudo_locale(language: str) -> Locale:
    locale = PseudoLocale(PSEUDO_LANGUAGES[language][0])
    locale.pseudo = language
    return locale


# Catalogs read and checked, by file, language and the file's stamp, for every app of the
# process: reading and checking one costs about a tenth of a second, and an app built again
# (a test, a reload) would pay it for every language. A changed file has a new stamp, so it
# is read again. Their compiled translations, by the checked catalog they come from.
_READ: dict[tuple[Path, str, int], Catalog] = {}
_COMPILED: dict[int, Translations] = {}
_READ_LOCK = threading.Lock()


class Catalogs:
    """One app's translations by language: checked once, or (live) again whenever a .po
    changes. Kept in app.extensions["absher_catalogs"]."""

    def __init__(self, directory: Path, live: bool, on_change: Callable[[], None]) -> None:
        self.directory, self.live, self.on_change = directory, live, on_change
        self.loaded: dict[str, Translations | NullTranslations] = {}
        self.english: Catalog | None = None
        self.stamps: dict[Path, int | None] = {}
        self.lock = threading.Lock()

    def source(self, language: str) -> Path:
        """The .mo, else the .po; live, the .po (an installed package has only the .mo)."""
        folder = self.directory / language / "LC_MESSAGES"
        compiled, edited = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
        first, second = (edited, compiled) if self.live else (compiled, edited)
        return first if first.exists() or not second.exists() else second

    def catalog(self, language: str) -> Catalog | None:
        path = self.source(language)
        stamp = _stamp(path)
        if self.live:
            self.stamps[path] = stamp
        if stamp is None:
            return None
        key = (path, language, stamp)
        with _READ_LOCK:
            if key not in _READ:
                _READ[key] = without_broken(read_catalog(path, language), language)
            return _READ[key]

    def translations(self, language: str) -> Translations | NullTranslations:
        found = self.loaded.get(language)
        if found is not None:
            return found
        with self.lock:
            found = self.loaded.get(language)
            if found is None:
                found = self.loaded[language] = self._load(language)
        return found

    def _load(self, language: str) -> Translations | NullTranslations:
        if language in PSEUDO_LANGUAGES:
            if self.english is None:
                self.english = self.catalog("en")
            if self.english is None:
                return NullTranslations()
            return translations_of(pseudo_catalog(self.english, language))
        catalog = self.catalog(language)
        if language == "en":
            self.english = catalog
        if catalog is None:
            return NullTranslations()
        with _READ_LOCK:
            if id(catalog) not in _COMPILED:
                _COMPILED[id(catalog)] = translations_of(catalog)
            return _COMPILED[id(catalog)]

    def refresh(self) -> None:
        """Live only: forget every language whose .po changed since it was read (a stat per
        catalog read), and empty the page caches."""
        changed = [path for path, stamp in list(self.stamps.items()) if _stamp(path) != stamp]
        if not changed:
            return
        with self.lock:
            for path in changed:
                language = path.parent.parent.name
                log.info("%s changed: its translations are read again", path)
                self.loaded.pop(language, None)
                self.stamps.pop(path, None)
                if language == "en":
                    self.english = None
                    for name in PSEUDO_LANGUAGES:
                        self.loaded.pop(name, None)
        self.on_change()


def _stamp(path: Path) -> int | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns ^ stat.st_size


