"""Each first-name rule with its own message, in both languages, next to its field with
the other input kept; a resident told to visit an office; 404 for a notification that does
not name the holder (another family's too); 403 for the mother; hostile input answered
with a message, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from absher_web.agencies.family import BirthEntry
from absher_web.models import ActivationState, Sex
from tests.births.conftest import LIST_URL, NEWBORN, TODAY, Father, add_family, the_request
from tests.pages import parse

RULES = [
    # (Arabic, English, the field with the message, its English words, its Arabic words)
    ("", "Saad", "first_name_ar", "Enter the child's first name in Arabic",
     "أدخل الاسم الأول للمولود بالعربية"),
    ("سعد", "", "first_name_en", "Enter the child's first name in English letters",
     "أدخل الاسم الأول للمولود بالحروف الإنجليزية"),
    ("عبد الله", "Abdullah", "first_name_ar", "Enter one first name only",
     "أدخل اسمًا أول واحدًا فقط"),
    ("الأمير", "Saad", "first_name_ar", "without a title", "دون لقب"),
    ("سعد", "Sheikh", "first_name_en", "without a title", "دون لقب"),
    ("Saad", "Saad", "first_name_ar", "Use Arabic letters only", "استخدم الحروف العربية فقط"),
    ("سعد", "سعد", "first_name_en", "Use English letters only",
     "استخدم الحروف الإنجليزية فقط"),
    ("سعد", "Saad1", "first_name_en", "Use English letters only",
     "استخدم الحروف الإنجليزية فقط"),
    ("الوليد", "Waleed", "first_name_ar", "without the article ال", "دون «ال» التعريف"),
    ("وليد", "Al-Waleed", "first_name_en", "without Al- or El-", "دون Al- أو El-"),
    ("جبريل", "Jibreel", "first_name_ar", "does not accept this name",
     "لا تقبل الأحوال المدنية هذا الاسم"),
    ("عبدالقادر", "Abdulqader", "first_name_ar", "This compound name is not accepted",
     "هذا الاسم المركب غير مقبول"),
    ("سعد" * 11, "Saad", "first_name_ar", "too long", "طويل"),
]


@pytest.mark.parametrize(("first_ar", "first_en", "field", "english", "arabic"), RULES)
def test_each_name_rule_has_its_own_message_next_to_its_field_in_both_languages(
        app, father, first_ar, first_en, field, english, arabic):
    for lang, words in (("en", english), ("ar", arabic)):
        response = father.choose(first_ar=first_ar, first_en=first_en, lang=lang)
        assert response.status_code == 422
        page = parse(response)
        message = page.find(id=f"{field}-error")
        assert message is not None and words in message.get_text(), message
        summary = page.find(attrs={"data-error-summary": True})
        assert summary.find("a", href=f"#{field}") is not None
        # The other input is kept.
        assert page.find("input", attrs={"name": "first_name_ar"}).get("value", "") == \
            first_ar
        assert page.find("input", id="delivery-0").has_attr("checked")
    assert the_request(app) is None


def test_a_missing_delivery_choice_is_asked_for(father):
    response = father.choose(delivery="")
    assert response.status_code == 422
    assert "Choose how you will receive" in parse(response).find(id="delivery-error").text


def test_diacritics_and_tatweel_are_dropped_and_a_listed_name_is_accepted(app, father):
    page = parse(father.choose(first_ar="سَعْـد", first_en="saad"))
    text = page.get_text(" ", strip=True)
    assert "سعد محمد عبدالله العتيبي" in text and "Saad Mohammed" in text
    assert "not on the list" not in text


def test_a_resident_is_told_to_visit_a_civil_affairs_office(app, client, make_account,
                                                            make_person, sms_outbox):
    resident = make_account(first_digit="2", state=ActivationState.ACTIVE)
    wife = make_person("2")
    add_family(app, [BirthEntry("DMM-2026-0417", resident.national_id, wife, "مستشفى الدمام",
                                TODAY - timedelta(days=40), Sex.FEMALE)])
    holder = Father(client, resident, sms_outbox)
    holder.sign_in()
    for lang, words in (("en", "Residents register a birth at a Civil Affairs office"),
                        ("ar", "يسجّل المقيمون المواليد في مكتب الأحوال المدنية")):
        listing = holder.client.get(LIST_URL.format(lang=lang))
        assert listing.status_code == 200 and words in listing.get_data(as_text=True)
        page = holder.page("DMM-2026-0417", lang=lang)
        assert page.status_code == 200 and words in page.get_data(as_text=True)
        assert parse(page).find("input", attrs={"name": "first_name_ar"}) is None
    posted = holder.choose(number="DMM-2026-0417")
    assert posted.status_code == 200
    assert holder.confirm(number="DMM-2026-0417", total=13000).status_code == 200
    assert the_request(app) is None


@pytest.fixture
def stranger(client, make_account, make_person, sms_outbox, father_family):
    """Another father, with a birth of his own; the first father's family exists."""
    account = make_account(state=ActivationState.ACTIVE)
    add_family(app_of(client), [BirthEntry("OTH-2026-0001", account.national_id,
                                           make_person(), "مستشفى", TODAY, Sex.MALE)])
    holder = Father(client.application.test_client(), account, sms_outbox)
    holder.sign_in()
    return holder


def app_of(client):
    return client.application


@pytest.mark.parametrize("number", [NEWBORN, "NO-SUCH-1", "x" * 25, "%00", "1%27--"])
def test_a_notification_that_does_not_name_the_holder_is_not_found(app, stranger, number):
    assert stranger.page(number).status_code == 404
    assert stranger.choose(number=number).status_code == 404
    assert stranger.confirm(number=number).status_code == 404
    response = stranger.client.post(f"/en/account/family/births/{number}/bill",
                                    data={"csrf_token": stranger.token()})
    assert response.status_code == 404
    assert the_request(app) is None


def test_the_father_cannot_open_another_familys_notification(father, stranger):
    assert father.page("OTH-2026-0001").status_code == 404
    assert "OTH-2026-0001" not in father.client.get(LIST_URL.format(lang="en")).get_data(
        as_text=True)


def test_the_mother_is_refused_by_the_acting_for_rule(app, client, make_account, sms_outbox,
                                                      make_person):
    father_id = make_person(name_ar="محمد عبدالله سعد العتيبي",
                            name_en="Mohammed Abdullah Saad Al-Otaibi")
    mother = make_account(state=ActivationState.ACTIVE)
    add_family(app, [BirthEntry("MOM-2026-0001", father_id, mother.national_id, "مستشفى",
                                TODAY, Sex.MALE)])
    holder = Father(client, mother, sms_outbox)
    holder.sign_in()
    assert holder.page("MOM-2026-0001").status_code == 403
    assert holder.confirm(number="MOM-2026-0001", delivery="office", total=0).status_code \
        == 403
    assert the_request(app) is None


def test_a_post_without_its_csrf_token_changes_nothing(app, father):
    response = father.client.post(f"/en/account/family/births/{NEWBORN}/confirm",
                                  data={"first_name_ar": "سعد", "first_name_en": "Saad",
                                        "delivery": "office", "total": "0"})
    assert response.status_code == 400
    assert the_request(app) is None


HOSTILE = [
    {"first_name_ar": "سعد\x00", "first_name_en": "Saad"},
    {"first_name_ar": "\u202eسعد", "first_name_en": "Saad"},
    {"first_name_ar": "سعد", "first_name_en": "Sa\u200fad"},
    {"first_name_ar": "س" * 5000, "first_name_en": "Saad"},
    {"first_name_ar": "سعد", "first_name_en": "Saad", "delivery": "drone"},
    {"first_name_ar": "<script>", "first_name_en": "'; DROP TABLE people;--"},
    {"first_name_ar": "سعد", "first_name_en": "\ufeffSaad"},
]


@pytest.mark.parametrize("values", HOSTILE)
def test_hostile_input_gets_a_message_never_a_500(app, father, values):
    data = {"csrf_token": father.token(), "delivery": "post", **values}
    for url in (f"/en/account/family/births/{NEWBORN}",
                f"/en/account/family/births/{NEWBORN}/confirm"):
        response = father.client.post(url, data={**data, "total": "3000"})
        assert response.status_code == 422, (url, response.status_code)
        assert "There is a problem" in response.get_data(as_text=True)
    assert the_request(app) is None


def test_a_body_over_the_limit_is_refused_with_a_page_not_a_500(app, father):
    response = father.client.post(f"/en/account/family/births/{NEWBORN}",
                                  data={"csrf_token": father.token(),
                                        "first_name_ar": "س" * 1_000_000})
    assert response.status_code == 413
    assert the_request(app) is None


def test_repeated_fields_and_an_odd_total_are_no_500(app, father):
    data = MultiDict([("csrf_token", father.token()), ("first_name_ar", "سعد"),
                      ("first_name_ar", "جبريل"), ("first_name_en", "Saad"),
                      ("first_name_en", "X"), ("delivery", "office"), ("delivery", "post"),
                      ("total", "-1"), ("total", "0")])
    response = father.client.post(f"/en/account/family/births/{NEWBORN}/confirm", data=data)
    assert response.status_code in (200, 303)
    for total in ("1e9", "٣٠٠٠", "99999999999999999999", ""):
        response = father.client.post(
            f"/en/account/family/births/{NEWBORN}/confirm",
            data={"csrf_token": father.token(), "first_name_ar": "سعد",
                  "first_name_en": "Saad", "delivery": "post", "total": total})
        assert response.status_code in (200, 303), total
