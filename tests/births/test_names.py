"""The first-name rules by themselves (services/names.py), and the lists they read."""

from __future__ import annotations

import pytest

from absher_web.services import names

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free


@pytest.mark.parametrize(("arabic", "problem"), [
    ("سعد", None), ("عبدالله", None), ("عبدالرحمن", None), ("الجوهرة", None),
    ("إلياس", None), ("غيث", None),  # not listed, but breaks no rule: an officer decides
    ("سَعْـد", None),  # diacritics and tatweel dropped
    ("ﺳﻌﺪ", None),  # Arabic presentation forms, as some keyboards send them: NFKC
    ("", "birth_name_ar_required"), ("   ", "birth_name_ar_required"),
    ("عبد الله", "birth_name_one"), ("سعد فهد", "birth_name_one"),
    ("الأمير", "birth_name_title"), ("الشيخ سعد", "birth_name_title"), ("سمو", "birth_name_title"),
    ("Saad", "birth_name_ar_letters"), ("سعد1", "birth_name_ar_letters"),
    ("سعد٣", "birth_name_ar_letters"), ("سعد!", "birth_name_ar_letters"),
    ("الوليد", "birth_name_ar_article"), ("عبدالقادر", "birth_name_compound"),
    ("أبوبكر", "birth_name_compound"), ("جبريل", "birth_name_refused"),
    ("عبدالنبي", "birth_name_refused"), ("ملاك", "birth_name_refused"),
    ("س" * 21, "birth_name_too_long"),
])
def test_arabic_rules(arabic, problem):
    assert names.arabic_problem(arabic) == problem


@pytest.mark.parametrize(("english", "problem"), [
    ("Saad", None), ("saad", None), ("Abdullah", None), ("Aljohara", None), ("Ghaith", None),
    ("", "birth_name_en_required"), ("Saad Fahad", "birth_name_one"),
    ("Prince", "birth_name_title"), ("Sheikh Saad", "birth_name_title"),
    ("Dr.", "birth_name_title"), ("Al-Waleed", "birth_name_en_article"),
    ("El-Sayed", "birth_name_en_article"), ("Al Waleed", "birth_name_en_article"),
    ("O'Neil", "birth_name_en_letters"), ("سعد", "birth_name_en_letters"),
    ("Saad2", "birth_name_en_letters"), ("Sàad", "birth_name_en_letters"),
    ("Abdulqader", "birth_name_compound"), ("Michael", "birth_name_refused"),
    ("S" * 21, "birth_name_too_long"),
])
def test_english_rules(english, problem):
    assert names.english_problem(english) == problem


def test_the_lists_are_read_once_and_hold_what_the_pages_promise():
    assert names.lists() is names.lists()
    assert names.is_listed("عبدالله") and names.is_listed("محمد")
    assert not names.is_listed("غيث")
    assert names.english_form("sAAD") == "Saad"


def test_a_listed_name_is_never_taken_for_a_title():
    for arabic, english in (("أميرة", "Amira"), ("شيخة", "Sheikha"), ("أمير", "Amir")):
        assert names.arabic_problem(arabic) is None and names.english_problem(english) is None
        assert names.is_listed(arabic, english)
    assert names.arabic_problem("الأمير") == "birth_name_title"
    assert names.english_problem("Prince") == "birth_name_title"


def test_an_english_form_the_list_does_not_give_for_the_name_is_not_listed():
    assert names.is_listed("محمد", "Muhammad") and names.is_listed("محمد", "mohammed")
    assert not names.is_listed("محمد", "Zzz")
    assert names.is_listed("محمد")  # the Arabic alone
