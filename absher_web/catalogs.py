"""Message catalogs that cannot take a page down, a live preview for translators, and the
pseudo-locales.

Checks (``catalog_problems`` and the rest): a translation keeps exactly the placeholders of
its English source (``%(name)s``; the plural forms for one exact number may spell the count
out), has the language's number of plural forms, and formats without error. ``compile``
writes no .mo at all while any catalog has such a problem (each .mo goes to a temporary file
and is moved into place once every catalog passed); ``check`` runs these and every other
catalog check (fuzzy, untranslated, .pot current with the code, obsolete entries, SMS
length, a translator comment or context on short strings and strings with placeholders).
Both are commands (catalog_check.main): ``python -m absher_web.catalogs compile|check`` (make
translations-compile, make translations-check), and ``flask absher translate ...``.

This module stands alone (setup.py loads it without the package to compile the catalogs);
catalog_check.py runs every check at once, SMS length included, and catalog_runtime.py
holds what follows.

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
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

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


# --- extraction --------------------------------------------------------------------------------

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


if __name__ == "__main__":  # make translations-compile|check
    from absher_web.catalog_check import main

    raise SystemExit(main())
