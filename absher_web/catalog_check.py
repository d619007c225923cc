"""The translators' commands (make translations-compile|check, `flask absher translate
compile|check`), and every catalog check at once: the per-message checks of catalogs.py,
the .pot current with the code, nothing missing or obsolete, and each text message within
the SMS segments its translator comment allows."""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from absher_web.catalogs import (
    DOMAIN,
    PLACEHOLDER,
    CatalogError,
    catalog_problems,
    compile_catalogs,
    completeness_problems,
    context_problems,
    extract,
    forms,
    po_files,
    read_catalog,
)
from absher_web.config import PROJECT_ROOT, TRANSLATIONS_DIR

# --- SMS length ------------------------------------------------------------------------------

# A text message in Arabic is UCS-2: 70 characters in one segment, 67 in each of several.
# English fits GSM-7: 160, or 153 each.
UCS2_SINGLE, UCS2_PART = 70, 67
GSM_SINGLE, GSM_PART = 160, 153
GSM_CHARACTERS = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
# Values as long as real ones: a six-digit code, the longest lifetime settings allow, a
# mobile number, the support line, an ID number, a plate, a date as the e-services' notices
# write it, a three-part name, amounts as money.money writes them (a fee; a fine in the
# thousands), a violation's reference, a bill number, and a nine-character host (absher.sa)
# in the WebOTP line. A notice with a placeholder not listed here is named by the check
# rather than skipped.
SMS_SAMPLE = {"code": "123456", "count": 10, "code_minutes": 10, "number": "+966512345678",
              "support_number": "920020405", "support_number_abroad": "+966920020405",
              "national_id": "1012345672", "plate": "أ ب ج 1234", "until": "2026-11-25",
              "owner": "عبدالله محمد القحطاني", "name": "عبدالله محمد القحطاني",
              "fee": "100.00 ر.س", "amount": "12,500.00 ر.س", "reference": "TV2026000123",
              "bill": "1234567890128", "service": "سجل أسرة جديد للأمهات",
              "request": "5028471937", "price": "1,000,000.00 ر.س", "city": "المدينة المنورة",
              "passport": "A12345678", "visa": "6012345674",
              "ticket": "123456789015",
              "opening": "MOI-2026-0101",
              "device": "جهاز لوحي أندرويد", "browser": "سامسونج إنترنت"}
# An English message names people and plates in Latin letters (agencies.traffic.plate_of),
# and amounts in SAR.
SMS_SAMPLE_BY_LANGUAGE = {"en": {**SMS_SAMPLE, "plate": "A B J 1234",
                                 "owner": "Abdullah Mohammed Alqahtani",
                                 "name": "Abdullah Mohammed Alqahtani",
                                 "fee": "100.00 SAR", "amount": "12,500.00 SAR",
                                 "price": "1,000,000.00 SAR",
                                 "service": "New family record for mothers",
                                 "city": "Al Madinah Al Munawwarah",
                                 "device": "Android tablet", "browser": "Samsung Internet"}}
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
                            "SMS_SAMPLE in absher_web/catalog_check.py has no value for: add "
                            "values as long as real ones")
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


# --- the commands --------------------------------------------------------------------------------


def report(problems: Iterable[str], out=sys.stderr) -> None:
    for line in problems:
        print(line, file=out)


def main(argv: list[str] | None = None) -> int:
    """python -m absher_web.catalogs compile|check (make translations-compile|check)."""
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

