"""Tidy the message catalogs after `flask absher translate update`.

Usage (from the project root, with the project's virtual environment):

    .venv/bin/python scripts/fill_catalog.py           # fill English, report Arabic
    .venv/bin/python scripts/fill_catalog.py --check   # report only, change nothing

What it does:

1. English (translations/en/LC_MESSAGES/messages.po): every empty msgstr gets a copy
   of its msgid (for plurals: the singular and the plural msgid), so the English
   wording can later be edited in the catalog without touching the code.
   With --check nothing is written and empty English entries are reported instead.
2. Arabic (translations/ar/LC_MESSAGES/messages.po): lists every entry that a
   translator still has to look at, each with its msgid:
     - empty (any of the six plural forms empty counts),
     - fuzzy (the English changed; check the Arabic, then delete the "#, fuzzy" line),
     - a %(name)s placeholder added or lost (the zero/one/two plural forms may spell
       the count out instead of using %(count)s).
   It also checks that the Arabic header declares six plural forms.

English entries marked fuzzy are reported too: the site does not show fuzzy entries.

Exit status: 0 when nothing needs a translator, 1 otherwise, 2 on a missing catalog.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = PROJECT_ROOT / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
ARABIC_PLURALS = 6


def catalog_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def load(language: str) -> Catalog:
    path = catalog_path(language)
    if not path.exists():
        print(f"{path.relative_to(PROJECT_ROOT)} is missing: run `flask absher translate update`",
              file=sys.stderr)
        raise SystemExit(2)
    with path.open("rb") as file:
        return read_po(file, locale=language)


def save(catalog: Catalog, language: str) -> None:
    # Same layout as `pybabel update` writes, so the diff shows only the filled entries.
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    catalog_path(language).write_bytes(buffer.getvalue())


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def strings_of(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, (tuple, list)):
        return tuple(message.string)
    return (message.string,)


def ids_of(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if message.pluralizable else (message.id,)


def shown(message: Message) -> str:
    return " | ".join(ids_of(message))


def fill_english(catalog: Catalog) -> int:
    """Copy msgids into empty English msgstrs; return how many entries changed."""
    filled = 0
    for message in entries(catalog):
        if message.pluralizable:
            singular, plural = message.id[0], message.id[1]
            old = list(strings_of(message))
            old += [""] * (catalog.num_plurals - len(old))
            new = [s or (singular if index == 0 else plural) for index, s in enumerate(old)]
            if new != old:
                message.string = tuple(new)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    return filled


def placeholder_problem(message: Message) -> str | None:
    expected = set(PLACEHOLDER.findall(" ".join(ids_of(message))))
    for index, text in enumerate(strings_of(message)):
        found = set(PLACEHOLDER.findall(text or ""))
        may_miss = {"count"} if message.pluralizable and index < 3 else set()
        added, lost = found - expected, expected - found - may_miss
        if text and (added or lost):
            parts = [f"unknown %({n})s" for n in sorted(added)]
            parts += [f"missing %({n})s" for n in sorted(lost)]
            form = f" (form {index})" if message.pluralizable else ""
            return ", ".join(parts) + form
    return None


def arabic_problems(catalog: Catalog) -> list[str]:
    problems = []
    if catalog.num_plurals != ARABIC_PLURALS:
        problems.append(f"header: Plural-Forms has nplurals={catalog.num_plurals}, "
                        f"Arabic needs {ARABIC_PLURALS}")
    for message in entries(catalog):
        strings = strings_of(message)
        if message.fuzzy:
            problems.append(f"fuzzy: {shown(message)}")
        elif not all(strings) or (message.pluralizable and len(strings) < ARABIC_PLURALS):
            problems.append(f"empty: {shown(message)}")
        elif (problem := placeholder_problem(message)) is not None:
            problems.append(f"placeholder ({problem}): {shown(message)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; report empty English entries too")
    args = parser.parse_args(argv)

    english = load("en")
    problems = [f"en fuzzy: {shown(m)}" for m in entries(english) if m.fuzzy]
    if args.check:
        problems += [f"en empty: {shown(m)}" for m in entries(english)
                     if not all(strings_of(m))]
    else:
        filled = fill_english(english)
        if filled:
            save(english, "en")
        print(f"en: copied the msgid into {filled} empty entr{'y' if filled == 1 else 'ies'}")

    arabic = load("ar")
    problems += [f"ar {problem}" for problem in arabic_problems(arabic)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} entr{'y needs' if len(problems) == 1 else 'ies need'} a translator")
    else:
        print(f"ar: all {len(entries(arabic))} entries translated")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
