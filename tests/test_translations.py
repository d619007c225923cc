"""The catalogs are complete, current and safe for translators to edit."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from absher_web.catalog_check import (
    SMS_SAMPLE,
    SMS_SAMPLE_BY_LANGUAGE,
    check_all,
    sms_problems,
    sms_texts,
)
from absher_web.catalogs import (
    PLACEHOLDER,
    CatalogError,
    catalog_problems,
    compile_catalogs,
    completeness_problems,
    context_problems,
)
from absher_web.config import PROJECT_ROOT

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free

TRANSLATIONS = PROJECT_ROOT / "translations"


def catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def real_messages(cat):
    return [message for message in cat if message.id]


def test_catalogs_pass_every_check():
    """What `make translations-check` runs (absher_web/catalogs.py): placeholders, plural
    forms, fuzzy, untranslated, a current .pot, no obsolete entries, SMS length."""
    assert check_all(TRANSLATIONS, PROJECT_ROOT) == []


def test_arabic_has_six_plural_forms():
    cat = catalog("ar")
    assert cat.num_plurals == 6
    assert any(message.pluralizable for message in real_messages(cat))


def entry(msgid, string, locale="ar", **options):
    cat = Catalog(locale=locale)
    cat.add(msgid, string, **options)
    return cat


@pytest.mark.parametrize(("msgid", "string", "problem"), [
    ("Welcome, %(name)s", "مرحبًا، %(user)s", "%(user)s is not in the English source"),
    ("Welcome, %(name)s", "مرحبًا", "%(name)s is missing"),
    ("Sign out", "خروج %(name)s", "%(name)s is not in the English source"),
    ("Saved %(count)s", "حُفظ %(count)s%", "a % sign that is not a placeholder"),
    (("%(count)s service", "%(count)s services"),
     ("لا خدمات", "خدمة", "خدمتان", "%(count)s خدمات", "%(count)s خدمة", "%(number)s خدمة"),
     "form 5: placeholder %(number)s is not in the English source"),
    (("%(count)s service", "%(count)s services"),
     ("لا خدمات", "خدمة", "خدمتان", "خدمات", "%(count)s خدمة", "%(count)s خدمة"),
     "form 3: placeholder %(count)s is missing"),
    (("%(count)s service", "%(count)s services"), ("خدمة", "خدمات"),
     "has 2 plural forms; ar needs 6"),
])
def test_the_checks_find_each_kind_of_mistake(msgid, string, problem):
    problems = catalog_problems(entry(msgid, string), "ar")
    assert any(problem in found for found in problems), problems


def test_the_checks_accept_what_is_right():
    ok = entry(("%(count)s service", "%(count)s services"),
               ("لا توجد خدمات", "خدمة واحدة", "خدمتان", "%(count)s خدمات", "%(count)s خدمة",
                "%(count)s خدمة"))
    ok.add("Welcome, %(name)s", "مرحبًا، %(name)s")
    ok.add("100%% sure", "متأكد 100%%", flags=["python-format"])
    assert catalog_problems(ok, "ar") == []
    assert completeness_problems(ok, "ar") == []
    ok.add("Next", "", )
    ok.add("Back", "رجوع", flags=["fuzzy"])
    assert len(completeness_problems(ok, "ar")) == 2


def test_an_sms_longer_than_its_comment_allows_is_named():
    template = Catalog()
    text = "Absher: your account is now active. You can sign in and use the electronic services."
    template.add(text, auto_comments=["SMS when the account becomes active; one SMS segment"])
    assert sms_problems(entry(text, "أبشر: " + "ت" * 64), template, "ar") == []
    long = sms_problems(entry(text, "أبشر: " + "ت" * 65), template, "ar")
    assert len(long) == 1 and "71 characters as sent (2 segments" in long[0]
    template[text].auto_comments = ["SMS, two SMS segments"]
    assert sms_problems(entry(text, "أبشر: " + "ت" * 65), template, "ar") == []
    # The .pot wraps comments: the count and "SMS segments" may fall on two lines.
    template[text].auto_comments = ["SMS when the account becomes active, in two", "SMS segments."]
    assert sms_problems(entry(text, "أبشر: " + "ت" * 65), template, "ar") == []


def test_every_text_message_is_measured_with_values_as_long_as_real_ones():
    for sms in sms_texts():
        assert not set(PLACEHOLDER.findall(sms.msgid)) - SMS_SAMPLE.keys(), sms.msgid
        for sample in SMS_SAMPLE_BY_LANGUAGE.values():
            assert sample.keys() == SMS_SAMPLE.keys()


def test_short_strings_and_placeholders_need_a_note_or_a_context():
    template = Catalog()
    template.add("Next", locations=[("templates/recovery/question.html", None)])
    template.add("Welcome, %(name)s", auto_comments=["The account home page's heading."])
    template.add("Gold", context="vehicle colour")
    template.add("Every visitor reads this sentence in full.")
    problems = context_problems(template)
    assert len(problems) == 1 and "'Next' (templates/recovery/question.html)" in problems[0]


def test_compile_refuses_and_writes_nothing_on_a_mistake(tmp_path):
    directory = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, directory, ignore=shutil.ignore_patterns("*.mo"))
    good = compile_catalogs(directory)
    assert [path.name for path, _, _ in good] == ["messages.mo", "messages.mo"]
    before = {path: path.read_bytes() for path, _, _ in good}
    po_file = directory / "ar" / "LC_MESSAGES" / "messages.po"
    po_file.write_text(po_file.read_text().replace('msgstr "مرحبًا، %(name)s"',
                                                   'msgstr "مرحبًا، %(user)s"'))
    with pytest.raises(CatalogError) as refused:
        compile_catalogs(directory)
    assert refused.value.problems == [
        "translations/ar/LC_MESSAGES/messages.po: msgid 'Welcome, %(name)s': placeholder "
        "%(user)s is not in the English source (it has %(name)s)",
        "translations/ar/LC_MESSAGES/messages.po: msgid 'Welcome, %(name)s': placeholder "
        "%(name)s is missing"]
    # Neither catalog was written, nor left half-written.
    assert {path: path.read_bytes() for path in before} == before
    assert sorted(p.name for p in directory.rglob("*.mo*")) == ["messages.mo", "messages.mo"]


def test_the_commands_name_each_mistake(tmp_path):
    """`python -m absher_web.catalogs compile` (make translations-compile) exits 1 with one
    line per mistake; `flask absher translate check` is the same check."""
    result = subprocess.run([sys.executable, "-m", "absher_web.catalogs", "nonsense"],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)
    assert result.returncode == 2 and "compile|check" in result.stderr
    from absher_web.cli import absher

    assert {"extract", "update", "compile", "check"} <= set(absher.commands["translate"].commands)


def test_arabic_uses_the_seed_wording_for_the_journey():
    strings = {message.id: message.string for message in real_messages(catalog("ar"))}
    assert strings["Next"] == "التالي"
    assert strings["Register"] == "تسجيل"
    assert strings["New user"] == "مستخدم جديد"
    assert strings["Forgot password"] == "نسيت كلمة المرور"
    assert strings[
        "I confirm that I have read the terms of use and the privacy policy, and I accept them"
    ] == "أقر بأني اطلعت على شروط الاستخدام وسياسة الخصوصية وأوافق عليها"


def test_arabic_keeps_the_native_review_wording():
    cat = catalog("ar")
    strings = {message.id: message.string for message in real_messages(cat)}
    assert strings["Too many attempts"] == "تجاوزت عدد المحاولات المسموح به"
    assert strings["Your activation is on its way."] == "جارٍ تفعيل حسابك."
    assert strings["Use a self-service kiosk."].startswith("استخدم ")
    assert strings["Look up"] != strings["Search"]
    every = " ".join(text for message in real_messages(cat)
                     for text in (message.string if isinstance(message.string, tuple)
                                  else (message.string,)))
    # One name for each product, and the privacy page in plain words.
    for wording in ("منصة أبشر للأفراد", "أبشر للأعمال", "خدمة أبشر أفراد", "HMAC"):
        assert wording not in every


def test_readme_documents_every_setting():
    source = (PROJECT_ROOT / "absher_web" / "config.py").read_text()
    settings = set(re.findall(r'env(?:_int|_bool)?\("([A-Z_]+)"', source))
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert settings, "no settings found"
    missing = sorted(name for name in settings if f"`ABSHER_{name}`" not in readme)
    assert missing == []
