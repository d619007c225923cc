"""The catalogs are complete, current and safe for translators to edit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from absher_web.cli import extract_messages
from absher_web.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def real_messages(cat):
    return [message for message in cat if message.id]


def message_ids(cat) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id)
            for message in real_messages(cat)}


def test_messages_pot_is_current(tmp_path: Path):
    fresh = tmp_path / "messages.pot"
    extract_messages(fresh)
    with fresh.open("rb") as new, (TRANSLATIONS / "messages.pot").open("rb") as committed:
        assert message_ids(read_po(new)) == message_ids(read_po(committed)), (
            "translations/messages.pot is stale: run make translations-extract "
            "and make translations-update"
        )


@pytest.mark.parametrize("language", ["ar", "en"])
def test_catalog_has_every_message_and_none_is_fuzzy_or_empty(language):
    with (TRANSLATIONS / "messages.pot").open("rb") as file:
        template = read_po(file)
    cat = catalog(language)
    assert message_ids(template) <= message_ids(cat), "catalog is missing messages: run update"
    problems = []
    for message in real_messages(cat):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    assert problems == []


def test_arabic_has_six_plural_forms():
    cat = catalog("ar")
    assert cat.num_plurals == 6
    for message in real_messages(cat):
        if message.pluralizable:
            assert len(message.string) == 6 and all(message.string), message.id


@pytest.mark.parametrize("language", ["ar", "en"])
def test_translations_keep_every_placeholder(language):
    problems = []
    for message in real_messages(catalog(language)):
        source = " ".join(message.id) if isinstance(message.id, tuple) else message.id
        expected = set(PLACEHOLDER.findall(source))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, translated in enumerate(strings):
            found = set(PLACEHOLDER.findall(translated))
            # Arabic's zero/one/two plural forms may spell the number out.
            allowed_missing = {"count"} if message.pluralizable and index < 3 else set()
            if found - expected or (expected - found) - allowed_missing:
                problems.append(f"{message.id!r} -> {translated!r}")
    assert problems == []


def test_arabic_uses_the_seed_wording_for_the_journey():
    strings = {message.id: message.string for message in real_messages(catalog("ar"))}
    assert strings["Next"] == "التالي"
    assert strings["Register"] == "تسجيل"
    assert strings["New user"] == "مستخدم جديد"
    assert strings["Forgot password"] == "نسيت كلمة المرور"
    assert strings[
        "I confirm that I have read the terms of use and the privacy policy, and I accept them"
    ] == "أقر بأني اطلعت على شروط الاستخدام وسياسة الخصوصية وأوافق عليها"


def test_readme_documents_every_setting():
    source = (PROJECT_ROOT / "absher_web" / "config.py").read_text()
    settings = set(re.findall(r'env(?:_int|_bool)?\("([A-Z_]+)"', source))
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert settings, "no settings found"
    missing = sorted(name for name in settings if f"`ABSHER_{name}`" not in readme)
    assert missing == []
