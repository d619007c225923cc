"""Message catalogs that cannot take a page down, a live preview for translators, and the
pseudo-locales.

Checks (``catalog_problems`` and the rest): a translation keeps exactly the placeholders of
its English source (``%(name)s``; the plural forms for one exact number may spell the count
out), has the language's number of plural forms, and formats without error. ``compile``
writes no .mo at all while any catalog has such a problem (each .mo goes to a temporary file
and is moved into place once every catalog passed); ``check`` runs these and every other
catalog check (fuzzy, untranslated, .pot current with the code, obsolete entries, SMS
length, a translator comment or context on short strings and strings with placeholders).
Both are commands: ``python -m absher_web.catalogs compile|check`` (make
translations-compile, make translations-check), and ``flask absher translate ...``.

At run time (``CatalogDomain``, installed by localisation.init_app) each language's catalog
is read once per process, checked, and any translation that fails a check is left out, with
one warning naming its msgid: that string shows in English, and the page still answers.
In development (CATALOGS_LIVE) the .po files themselves are read, compiled in memory, and
read again on the first request after one is saved, with the page caches emptied. The
pseudo-locales (PSEUDO_LANGUAGES: development and tests, never production) are made from the
English catalog when first asked for: /xa/ accented and about 40% longer between ⟦ ⟧, /xb/
the same right to left.
"""

from __future__ import annotations

import io
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

# %(name)s with any flags and type: the names are what must match.
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +\-]*\d*(?:\.\d+)?[a-zA-Z]")
# A plural form for one exact number (Arabic's zero, one and two; English's one) may write
# the number as a word instead of the placeholder.
COUNT_NAMES = {"count", "num"}
EXACT_NUMBER_FORMS = {"ar": 3, "en": 1}
DOMAIN = "messages"

# --- the checks ------------------------------------------------------------------------------


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def source_text(message: Message) -> str:
    return " | ".join(message.id) if isinstance(message.id, (tuple, list)) else message.id


def forms(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, (tuple, list)):
        return tuple(message.string)
    return (message.string,)


class _Anything(dict):
    """A mapping with a value for any name: formats a string as the site would."""

    def __missing__(self, key: str) -> int:
        return 1


def _formats(text: str) -> bool:
    try:
        text % _Anything()
    except (ValueError, TypeError, KeyError):
        return False
    return True


def message_problems(message: Message, language: str, num_plurals: int) -> list[str]:
    """What is wrong with one translated entry (an empty form is not judged here)."""
    if not message.id:
        return []
    problems = []
    strings = forms(message)
    if message.pluralizable and len(strings) != num_plurals:
        problems.append(f"has {len(strings)} plural forms; {language} needs {num_plurals}")
    ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
    expected = set().union(*(placeholders(text) for text in ids))
    exact = EXACT_NUMBER_FORMS.get(language.split("_")[0], 1) if message.pluralizable else 0
    source_formats = all(_formats(text) for text in ids)
    for index, translated in enumerate(strings):
        if not translated:
            continue
        form = f"form {index}: " if message.pluralizable else ""
        found = placeholders(translated)
        for name in sorted(found - expected):
            problems.append(f"{form}placeholder %({name})s is not in the English source "
                            f"(it has {', '.join(f'%({n})s' for n in sorted(expected)) or 'none'})")
        may_drop = COUNT_NAMES if index < exact else set()
        for name in sorted(expected - found - may_drop):
            problems.append(f"{form}placeholder %({name})s is missing")
        if source_formats and not _formats(translated):
            problems.append(f"{form}a % sign that is not a placeholder (write %% for a "
                            "percent sign)")
    return problems


def catalog_problems(catalog: Catalog, name: str) -> list[str]:
    """Every entry that would show wrongly or fail at run time: placeholders, plural forms,
    format errors."""
    language = str(catalog.locale) if catalog.locale else name
    problems = []
    for message in catalog:
        for problem in message_problems(message, language, catalog.num_plurals):
            problems.append(f"{name}: msgid {source_text(message)!r}: {problem}")
    return problems


def completeness_problems(catalog: Catalog, name: str) -> list[str]:
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"{name}: msgid {source_text(message)!r}: marked fuzzy (check the "
                            "translation, then delete the '#, fuzzy' line)")
        elif not all(forms(message)):
            problems.append(f"{name}: msgid {source_text(message)!r}: not translated")
    for message in catalog.obsolete.values():
        problems.append(f"{name}: obsolete entry {source_text(message)!r} (#~): delete it "
                        "(make translations-update drops them)")
    return problems


def _words(text: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", text).split())


def needs_context(message: Message) -> bool:
    """Strings shorter than four words, and strings with a placeholder, need a translator
    comment (# TRANSLATORS: in the code) or a msgctxt (pgettext)."""
    ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
    return _words(ids[0]) < 4 or any(placeholders(text) for text in ids)


def context_problems(template: Catalog) -> list[str]:
    problems = []
    for message in template:
        if (message.id and needs_context(message) and not message.auto_comments
                and not message.context):
            files = ", ".join(sorted({path for path, _ in message.locations}))
            problems.append(f"messages.pot: msgid {source_text(message)!r} ({files}) needs a "
                            "'# TRANSLATORS:' comment in the code, or a context (pgettext): "
                            "it is shorter than four words or has a placeholder")
    return problems


# --- SMS length ------------------------------------------------------------------------------

# A text message in Arabic is UCS-2: 70 characters in one segment, 67 in each of several.
# English fits GSM-7: 160, or 153 each.
UCS2_SINGLE, UCS2_PART = 70, 67
GSM_SINGLE, GSM_PART = 160, 153
GSM_CHARACTERS = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
# Values as long as real ones: a six-digit code, the longest lifetime settings allow, a
# mobile number, the support line, an ID number, a plate, a date as the e-services' notices
# write it, a three-part name, a fee, and a nine-character host (absher.sa) in the WebOTP line.
# A notice with a placeholder not listed here is named by the check rather than skipped.
SMS_SAMPLE = {"code": "123456", "count": 10, "code_minutes": 10, "number": "+966512345678",
              "support_number": "920020405", "support_number_abroad": "+966920020405",
              "national_id": "1012345672", "plate": "أ ب ج 1234", "until": "2026-11-25",
              "owner": "عبدالله محمد القحطاني", "name": "عبدالله محمد القحطاني", "fee": "100"}
# An English message names people and plates in Latin letters (driving.plate_of).
SMS_SAMPLE_BY_LANGUAGE = {"en": {**SMS_SAMPLE, "plate": "A B J 1234",
                                 "owner": "Abdullah Mohammed Alqahtani",
                                 "name": "Abdullah Mohammed Alqahtani"}}
SMS_SAMPLE_HOST = "absher.sa"
SEGMENT_WORDS = {"one": 1, "two": 2, "three": 3}
SEGMENTS_NOTE = re.compile(r"\b(\d|one|two|three) SMS segments?\b", re.IGNORECASE)


def segments(text: str) -> int:
    if set(text) <= GSM_CHARACTERS:
        single, part = GSM_SINGLE, GSM_PART
    else:
        single, part = UCS2_SINGLE, UCS2_PART
    return 1 if len(text) <= single else -(-len(text) // part)


def allowed_segments(message: Message) -> int:
    """What the translator comment allows ("... in two SMS segments ..."), else one."""
    # A .pot wraps long comments, so "three" and "SMS segments" may be on two lines.
    match = SEGMENTS_NOTE.search(" ".join(message.auto_comments))
    if match:
        word = match.group(1).lower()
        return SEGMENT_WORDS.get(word) or int(word)
    return 1


@dataclass(frozen=True)
class SmsText:
    msgid: str  # the singular, for a plural
    webotp: bool  # a code message: the WebOTP line is added after the text


def sms_texts() -> list[SmsText]:
    """Every text message the site sends (services/notices.py)."""
    from absher_web.services import notices
    from absher_web.wording import PluralText

    texts = []
    for value in vars(notices).values():
        if isinstance(value, notices.Notice):
            text = value.text
            texts.append(SmsText(text.singular if isinstance(text, PluralText)
                                 else text._args[0], False))
    for text in notices.CODE_TEXTS.values():
        texts.append(SmsText(text.singular if isinstance(text, PluralText)
                             else text._args[0], True))
    return texts


def sms_problems(catalog: Catalog, template: Catalog, name: str) -> list[str]:
    problems = []
    sample = SMS_SAMPLE_BY_LANGUAGE.get(str(catalog.locale), SMS_SAMPLE)
    for sms in sms_texts():
        message, source = catalog.get(sms.msgid), template.get(sms.msgid)
        if message is None or source is None:
            continue
        allowed = allowed_segments(source)
        unsampled = sorted(set(PLACEHOLDER.findall(sms.msgid)) - SMS_SAMPLE.keys())
        if unsampled:
            problems.append(f"{name}: SMS {sms.msgid[:50]!r} has placeholders {unsampled} that "
                            "SMS_SAMPLE in absher_web/catalogs.py has no value for: add values "
                            "as long as real ones")
            continue
        for index, text in enumerate(forms(message)):
            if not text:
                continue
            try:
                body = text % sample
            except (KeyError, ValueError, TypeError):
                continue  # catalog_problems names it
            if sms.webotp:
                body = f"{body}\n\n@{SMS_SAMPLE_HOST} #{SMS_SAMPLE['code']}"
            count = segments(body)
            if count > allowed:
                form = f" (form {index})" if message.pluralizable else ""
                gsm = set(body) <= GSM_CHARACTERS
                single, part = (GSM_SINGLE, GSM_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
                limit = (f"one segment holds {single}" if allowed == 1
                         else f"{allowed} segments hold {allowed * part}")
                webotp = ", the WebOTP line included" if sms.webotp else ""
                problems.append(
                    f"{name}: SMS {sms.msgid[:50]!r}{form} is {len(body)} characters as sent "
                    f"({count} segments; {limit} characters{webotp}); its comment allows "
                    f"{allowed}: shorten it")
    return problems


# --- reading and compiling ---------------------------------------------------------------------


def read_catalog(path: Path, language: str) -> Catalog:
    with path.open("rb") as stream:
        if path.suffix != ".mo":
            return read_po(stream, locale=language)
        catalog = read_mo(stream)
    # Babel's read_mo leaves a msgctxt as bytes.
    for message in [m for m in catalog if isinstance(m.context, bytes)]:
        catalog.delete(message.id, message.context)
        catalog.add(message.id, message.string, context=message.context.decode(catalog.charset))
    return catalog


def po_files(directory: Path) -> list[tuple[str, Path]]:
    return [(path.parent.parent.name, path)
            for path in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))]


class CatalogError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogs(directory: Path) -> list[tuple[Path, int, int]]:
    """Every <lang>/LC_MESSAGES/messages.po to its .mo, or none at all: any placeholder,
    plural or format problem in any catalog raises CatalogError and writes nothing.

    Returns (the .mo, translated entries, all entries) for each language.
    """
    found = po_files(directory)
    if not found:
        raise CatalogError([f"no catalogs in {directory}"])
    compiled, problems = [], []
    for language, path in found:
        catalog = read_catalog(path, language)
        problems += catalog_problems(catalog, str(path.relative_to(directory.parent)))
        total = sum(1 for message in catalog if message.id)
        done = sum(1 for message in catalog
                   if message.id and not message.fuzzy and all(forms(message)))
        compiled.append((path.with_suffix(".mo"), mo_bytes(catalog), done, total))
    if problems:
        raise CatalogError(problems)
    for target, data, _, _ in compiled:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".messages-",
                                             suffix=".mo")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return [(target, done, total) for target, _, done, total in compiled]


# --- extraction and the full check -------------------------------------------------------------

EXTRACT_OPTIONS = (
    "--mapping-file", "babel.cfg",
    "--keyword", "_l",
    "--keyword", "lazy_gettext",
    "--keyword", "lazy_ngettext:1,2",
    "--keyword", "lazy_pgettext:1c,2",
    "--keyword", "lazy_plural:1,2",  # absher_web/wording.py
    "--add-comments", "TRANSLATORS:",
    # Each entry names the files that use it (a translator sees where a string appears);
    # line numbers are left out, as they change with every edit to a file and would fill
    # catalog diffs with entries whose text did not change.
    "--add-location", "file",
    "--sort-output",
    "--project", "Absher Web",
)


def extract(output_file: Path, root: Path, version: str = "") -> None:
    """Every translatable string of the code and templates under ``root`` into
    ``output_file`` (in this process: Babel's own command line)."""
    from babel.messages.frontend import CommandLineInterface

    here = Path.cwd()
    os.chdir(root)
    try:
        CommandLineInterface().run(["pybabel", "-q", "extract", *EXTRACT_OPTIONS,
                                    "--version", version, "--output-file",
                                    str(Path(here, output_file)), "."])
    finally:
        os.chdir(here)


def _key(message: Message) -> tuple:
    ident = tuple(message.id) if isinstance(message.id, (tuple, list)) else message.id
    return ident, message.context


def check_all(directory: Path, root: Path) -> list[str]:
    """Every catalog check, as lines for a translator (empty when all pass)."""
    problems = []
    template_path = directory / f"{DOMAIN}.pot"
    with template_path.open("rb") as stream:
        committed = read_po(stream)
    with tempfile.TemporaryDirectory() as scratch:
        fresh_path = Path(scratch) / f"{DOMAIN}.pot"
        extract(fresh_path, root)
        with fresh_path.open("rb") as stream:
            fresh = read_po(stream)

    def shape(catalog: Catalog) -> dict:
        return {_key(m): (tuple(m.auto_comments), tuple(sorted(m.locations)))
                for m in catalog if m.id}

    if shape(fresh) != shape(committed):
        problems.append("translations/messages.pot is not current with the code: run "
                        "make translations-extract translations-update")
    problems += context_problems(fresh)
    keys = {_key(m) for m in fresh if m.id}
    for language, path in po_files(directory):
        name = str(path.relative_to(directory.parent))
        catalog = read_catalog(path, language)
        problems += catalog_problems(catalog, name)
        problems += completeness_problems(catalog, name)
        have = {_key(m) for m in catalog if m.id}
        problems += [f"{name}: missing msgid {ident!r}: run make translations-update"
                     for ident, _ in sorted(keys - have, key=str)]
        problems += [f"{name}: msgid {ident!r} is no longer in the code: run make "
                     "translations-update" for ident, _ in sorted(have - keys, key=str)]
        problems += sms_problems(catalog, fresh, name)
    return problems


# --- at run time -------------------------------------------------------------------------------


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
        if self.live:
            self.stamps[path] = _stamp(path)
        if not path.exists():
            return None
        return without_broken(read_catalog(path, language), language)

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
        return NullTranslations() if catalog is None else translations_of(catalog)

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


# --- the commands --------------------------------------------------------------------------------


def report(problems: Iterable[str], out=sys.stderr) -> None:
    for line in problems:
        print(line, file=out)


def main(argv: list[str] | None = None) -> int:
    """python -m absher_web.catalogs compile|check (make translations-compile|check)."""
    from absher_web.config import PROJECT_ROOT, TRANSLATIONS_DIR

    command = (argv if argv is not None else sys.argv[1:]) or ["check"]
    if command[0] == "compile":
        try:
            done = compile_catalogs(TRANSLATIONS_DIR)
        except CatalogError as error:
            report(error.problems)
            print(f"{len(error.problems)} problem(s): no catalog was compiled, the site keeps "
                  "the ones it had. TRANSLATING.md, 'Checking your work', explains each.",
                  file=sys.stderr)
            return 1
        for path, translated, total in done:
            print(f"{path.relative_to(TRANSLATIONS_DIR.parent)}: {translated} of {total} "
                  "messages translated")
        return 0
    if command[0] == "check":
        problems = check_all(TRANSLATIONS_DIR, PROJECT_ROOT)
        if problems:
            report(problems)
            print(f"{len(problems)} catalog problem(s). TRANSLATING.md, 'Checking your work', "
                  "explains each.", file=sys.stderr)
            return 1
        print("The catalogs pass every check.")
        return 0
    print("usage: python -m absher_web.catalogs compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
