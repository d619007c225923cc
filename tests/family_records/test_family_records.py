"""The family record on marriage and the new family record for mothers: conditions checked
against the registry (each refusal its own), one request and one record however many
applications arrive, the officer's path, the record on My family, the SMS, and nobody
seeing a family they do not belong to."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from absher_web.agencies import family
from absher_web.agencies.family import CustodyEntry, MarriageEntry, ParentEntry
from absher_web.extensions import db
from absher_web.identity import luhn_check_digit
from absher_web.models import (
    Account,
    ActivationState,
    FamilyRecord,
    FamilyRecordKind,
    FamilyRecordMember,
    FamilyRelation,
    MarriageEnd,
    ParentRole,
    RequestStatus,
    ServiceRequest,
    Sex,
    utcnow,
)
from absher_web.services import acting_for, family_records, requests
from absher_web.services.eservices import local_today
from absher_web.services.family_records import Refusal
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse

TODAY = local_today(utcnow())
MARRIAGE_URL = "/{lang}/account/family/records/marriage"
MOTHER_URL = "/{lang}/account/family/records/mother"
F, M, MALE, FEMALE = ParentRole.FATHER, ParentRole.MOTHER, Sex.MALE, Sex.FEMALE


def years_ago(years: int) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=3)


def add_family(app, entries) -> None:
    with app.app_context(), db.transaction() as session:
        family.import_family(session, entries)


class Holder(Citizen):
    url: str

    def page(self, lang: str = "en"):
        return self.client.get(self.url.format(lang=lang))

    def apply(self, lang: str = "en", htmx: bool = False):
        token = csrf_of(self.client.get("/en/account/family"))
        return self.client.post(self.url.format(lang=lang), data={"csrf_token": token},
                                headers={"HX-Request": "true"} if htmx else {})


def signed_in(client, account, sms_outbox, url: str) -> Holder:
    holder = Holder(client, account, sms_outbox)
    holder.url = url
    holder.sign_in()
    return holder


def records(app) -> list[FamilyRecord]:
    with app.app_context():
        found = list(db.session.scalars(select(FamilyRecord)))
        for record in found:
            _ = record.members
        return found


def members_of(app, record: FamilyRecord) -> dict[str, FamilyRelation]:
    with app.app_context():
        return {m.person_id: m.relation for m in db.session.scalars(
            select(FamilyRecordMember).where(FamilyRecordMember.record_id == record.id))}


def requests_of(app, service: str) -> list[ServiceRequest]:
    with app.app_context():
        return list(db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.service == service)))


def texts_to(sms_outbox, mobile: str) -> list[str]:
    return [m["body"] for m in sms_outbox.messages() if m["to"] == mobile]


@pytest.fixture
def husband_family(app, make_account, make_person):
    """A married citizen: his wife, a son of 7, a son of 20, an unmarried daughter of 22,
    a married daughter of 25."""
    account = make_account(state=ActivationState.ACTIVE, birth_date=date(1975, 1, 1),
                           name_en="Faisal Al-Harbi")
    me = account.national_id
    people = {
        "wife": make_person(name_en="Hind Al-Anazi", birth_date=years_ago(40)),
        "son": make_person(name_en="Omar Al-Harbi", birth_date=years_ago(7)),
        "adult_son": make_person(name_en="Saud Al-Harbi", birth_date=years_ago(20)),
        "daughter": make_person(name_en="Reem Al-Harbi", birth_date=years_ago(22)),
        "married_daughter": make_person(name_en="Sara Al-Harbi", birth_date=years_ago(25)),
        "son_in_law": make_person(name_en="Ali Al-Qahtani", birth_date=years_ago(30)),
    }
    add_family(app, [
        MarriageEntry(me, people["wife"], date(2000, 1, 1)),
        ParentEntry(me, people["son"], F, MALE), ParentEntry(me, people["adult_son"], F, MALE),
        ParentEntry(me, people["daughter"], F, FEMALE),
        ParentEntry(me, people["married_daughter"], F, FEMALE),
        MarriageEntry(people["son_in_law"], people["married_daughter"], date(2022, 1, 1)),
    ])
    return account, people


@pytest.fixture
def husband(client, husband_family, sms_outbox) -> Holder:
    account, people = husband_family
    holder = signed_in(client, account, sms_outbox, MARRIAGE_URL)
    holder.people = people
    return holder


@pytest.fixture
def mother_family(app, make_account, make_person):
    """A divorced citizen mother: a daughter of 9 in her recorded custody, a son of 19."""
    account = make_account(state=ActivationState.ACTIVE, birth_date=date(1985, 1, 1),
                           name_en="Hessa Al-Shehri", language="ar")
    me = account.national_id
    people = {
        "former": make_person(name_en="Fahad Al-Ghamdi", birth_date=date(1980, 1, 1)),
        "daughter": make_person(name_en="Lama Al-Ghamdi", birth_date=years_ago(9)),
        "adult_son": make_person(name_en="Nawaf Al-Ghamdi", birth_date=years_ago(19)),
    }
    add_family(app, [
        MarriageEntry(people["former"], me, date(2005, 1, 1), date(2020, 1, 1),
                      MarriageEnd.DIVORCE),
        ParentEntry(people["former"], people["daughter"], F, FEMALE),
        ParentEntry(me, people["daughter"], M, FEMALE),
        ParentEntry(me, people["adult_son"], M, MALE),
        CustodyEntry(me, people["daughter"], date(2020, 2, 1)),
    ])
    return account, people


@pytest.fixture
def mother(client, mother_family, sms_outbox) -> Holder:
    account, people = mother_family
    holder = signed_in(client, account, sms_outbox, MOTHER_URL)
    holder.people = people
    return holder


# --- the husband ------------------------------------------------------------------------


def test_the_husband_sees_every_condition_met_and_who_the_record_will_list(husband):
    response = husband.page()
    assert response.status_code == 200
    page = parse(response)
    text = page.get_text(" ", strip=True)
    assert "Not met" not in text
    assert text.count("Met:") == 4
    assert "Hind Al-Anazi" in text and "Omar Al-Harbi" in text and "Reem Al-Harbi" in text
    assert "Saud Al-Harbi" not in text and "Sara Al-Harbi" not in text
    assert page.find("button", string="Apply for the family record") is not None


def test_the_husband_obtains_his_record_at_once_and_is_texted(app, husband, sms_outbox):
    response = husband.apply()
    assert response.status_code == 303
    [record] = records(app)
    assert record.kind is FamilyRecordKind.MARRIAGE
    assert record.head_id == husband.account.national_id
    assert record.number[-1] == luhn_check_digit(record.number[:-1])
    people = husband.people
    assert members_of(app, record) == {people["wife"]: FamilyRelation.WIFE,
                                       people["son"]: FamilyRelation.SON,
                                       people["daughter"]: FamilyRelation.DAUGHTER}
    [made] = requests_of(app, family_records.MARRIAGE_SERVICE)
    assert made.status is RequestStatus.APPROVED and made.office_city == "الرياض"
    [text] = texts_to(sms_outbox, husband.account.mobile)[-1:]
    assert record.number in text and "family record" in text
    page = parse(husband.page()).get_text(" ", strip=True)
    assert record.number in page and "Apply for the family record" not in page
    assert "already lists every wife" in page


def test_the_record_is_on_my_family_in_both_languages(app, husband):
    husband.apply()
    [record] = records(app)
    for lang in ("en", "ar"):
        page = parse(husband.client.get(f"/{lang}/account/family"))
        text = page.get_text(" ", strip=True)
        assert record.number in text
        assert page.find("a", href=f"/{lang}/account/family/records/{record.number}")


def test_a_second_marriage_adds_the_wife_to_the_same_record(app, husband, make_person,
                                                             sms_outbox):
    husband.apply()
    second = make_person(name_en="Amal Al-Otaibi", birth_date=years_ago(30))
    add_family(app, [MarriageEntry(husband.account.national_id, second, TODAY)])
    text = parse(husband.page()).get_text(" ", strip=True)
    assert "Amal Al-Otaibi" in text and "Apply for the family record" in text
    assert husband.apply().status_code == 303
    [record] = records(app)
    assert members_of(app, record)[second] is FamilyRelation.WIFE
    assert len(requests_of(app, family_records.MARRIAGE_SERVICE)) == 2
    assert "updated" in texts_to(sms_outbox, husband.account.mobile)[-1]


def test_the_husband_can_see_his_record_and_so_can_his_wife(app, client, make_account,
                                                            sms_outbox):
    husband = make_account(state=ActivationState.ACTIVE, birth_date=date(1980, 1, 1))
    wife = make_account(state=ActivationState.ACTIVE, birth_date=date(1990, 1, 1),
                        name_en="Hind Al-Anazi")
    add_family(app, [MarriageEntry(husband.national_id, wife.national_id, date(2015, 1, 1))])
    holder = signed_in(client, husband, sms_outbox, MARRIAGE_URL)
    assert holder.apply().status_code == 303
    [record] = records(app)
    url = f"/en/account/family/records/{record.number}"
    response = holder.client.get(url)
    assert response.status_code == 200
    assert "Hind Al-Anazi" in response.get_data(as_text=True)
    listed = Citizen(app.test_client(), wife, sms_outbox)
    listed.sign_in()
    seen = listed.client.get(url)
    assert seen.status_code == 200 and record.number in seen.get_data(as_text=True)
    assert record.number in listed.client.get("/ar/account/family").get_data(as_text=True)


def test_another_holders_record_is_not_found(app, husband, make_account, sms_outbox):
    husband.apply()
    [record] = records(app)
    stranger = Citizen(app.test_client(), make_account(state=ActivationState.ACTIVE),
                       sms_outbox)
    stranger.sign_in()
    for number in (record.number, record.number[:-1] + "x", "0" * 11, "١٢٣",
                   "%00", "a" * 500, "1' OR '1'='1"):
        response = stranger.client.get(f"/en/account/family/records/{number}")
        assert response.status_code == 404, number
    # Nor does My family, or either service's page, show it.
    assert record.number not in stranger.client.get("/en/account/family").get_data(
        as_text=True)
    assert record.number not in stranger.client.get(
        MARRIAGE_URL.format(lang="en")).get_data(as_text=True)


def test_applying_twice_gives_one_request_and_one_record(app, husband):
    assert husband.apply().status_code == 303
    assert husband.apply().status_code == 422  # every wife is on the record now
    assert len(records(app)) == 1
    assert len(requests_of(app, family_records.MARRIAGE_SERVICE)) == 1


def test_thirty_applications_at_once_give_one_record(app, husband, sms_outbox):
    open_limits(app)
    token = csrf_of(husband.client.get("/en/account/family"))
    tabs = same_browser(app, husband.client, 30)
    url = MARRIAGE_URL.format(lang="en")
    before = len(texts_to(sms_outbox, husband.account.mobile))

    def job(tab):
        return lambda: tab.post(url, data={"csrf_token": token}).status_code

    answers = at_once([job(tab) for tab in tabs])
    assert set(answers) <= {303, 422}
    assert 303 in answers
    assert len(records(app)) == 1
    assert len(requests_of(app, family_records.MARRIAGE_SERVICE)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FamilyRecordMember)) == 3
    assert len(texts_to(sms_outbox, husband.account.mobile)) - before == 1


# --- the husband's refusals ---------------------------------------------------------------


def check(app, account, kind=FamilyRecordKind.MARRIAGE):
    with app.app_context():
        account = db.session.get(Account, account.id)
        return family_records.check(db.session, account, kind, utcnow())


def test_a_resident_is_refused(app, make_account, make_person):
    account = make_account("Resident001", state=ActivationState.ACTIVE, first_digit="2")
    wife = make_person("2")
    add_family(app, [MarriageEntry(account.national_id, wife, date(2010, 1, 1))])
    assert check(app, account).refusals == [Refusal.NOT_CITIZEN]


def test_a_husband_under_18_is_refused(app, make_account, make_person):
    account = make_account(state=ActivationState.ACTIVE, birth_date=years_ago(17))
    add_family(app, [MarriageEntry(account.national_id, make_person(), TODAY)])
    assert check(app, account).refusals == [Refusal.MINOR]


def test_a_marriage_not_in_the_registry_is_refused_with_what_to_do(app, client, make_account,
                                                                    make_person, sms_outbox):
    account = make_account(state=ActivationState.ACTIVE)
    former = make_person()
    add_family(app, [MarriageEntry(account.national_id, former, date(2000, 1, 1),
                                   date(2010, 1, 1), MarriageEnd.DIVORCE)])
    assert check(app, account).refusals == [Refusal.NO_MARRIAGE]
    holder = signed_in(client, account, sms_outbox, MARRIAGE_URL)
    response = holder.apply()
    assert response.status_code == 422
    page = parse(response)
    summary = page.select_one(".error-summary").get_text(" ", strip=True)
    assert "marriage registrar" in summary
    assert page.find("button", string="Apply for the family record") is None
    assert records(app) == [] and requests_of(app, family_records.MARRIAGE_SERVICE) == []
    arabic = holder.page("ar")
    assert arabic.status_code == 200 and "غير متحقق" in arabic.get_data(as_text=True)


def test_the_htmx_application_answers_with_the_step(app, husband):
    response = husband.apply(htmx=True)
    # htmx follows the redirect itself; the test client does not.
    assert response.status_code == 303
    step = husband.client.get(MARRIAGE_URL.format(lang="en"), headers={"HX-Request": "true"})
    body = step.get_data(as_text=True)
    assert step.status_code == 200 and "<html" not in body and "<title>" in body
    assert records(app)[0].number in body


# --- the mother ---------------------------------------------------------------------------


def test_the_mother_obtains_her_record_with_the_child_in_her_custody(app, mother, sms_outbox):
    assert mother.apply().status_code == 303
    [record] = records(app)
    assert record.kind is FamilyRecordKind.MOTHER and record.marriage_id is None
    assert members_of(app, record) == {mother.people["daughter"]: FamilyRelation.DAUGHTER}
    [made] = requests_of(app, family_records.MOTHER_SERVICE)
    assert made.status is RequestStatus.APPROVED
    assert made.request_key == mother.account.national_id
    text = texts_to(sms_outbox, mother.account.mobile)[-1]
    assert record.number in text and "أبشر" in text  # in her language
    page = mother.client.get("/ar/account/family").get_data(as_text=True)
    assert record.number in page


def test_a_mother_applying_twice_gets_one_record(app, mother):
    assert mother.apply().status_code == 303
    assert mother.apply().status_code == 422
    assert len(records(app)) == 1
    assert len(requests_of(app, family_records.MOTHER_SERVICE)) == 1


def test_thirty_mothers_applications_at_once_give_one_record(app, mother):
    open_limits(app)
    token = csrf_of(mother.client.get("/en/account/family"))
    tabs = same_browser(app, mother.client, 30)
    url = MOTHER_URL.format(lang="en")
    answers = at_once([(lambda tab=tab: tab.post(url, data={"csrf_token": token}).status_code)
                       for tab in tabs])
    assert set(answers) <= {303, 422} and 303 in answers
    assert len(records(app)) == 1
    assert len(requests_of(app, family_records.MOTHER_SERVICE)) == 1


def test_a_married_mother_is_refused(app, make_account, make_person):
    account = make_account(state=ActivationState.ACTIVE)
    child = make_person(birth_date=years_ago(5))
    husband = make_person()
    add_family(app, [MarriageEntry(husband, account.national_id, date(2015, 1, 1)),
                     ParentEntry(account.national_id, child, M, MALE)])
    assert check(app, account, FamilyRecordKind.MOTHER).refusals == [Refusal.STILL_MARRIED]


def test_a_mother_never_married_and_without_children_is_refused_twice(app, make_account):
    account = make_account(state=ActivationState.ACTIVE)
    assert check(app, account, FamilyRecordKind.MOTHER).refusals == [Refusal.NEVER_MARRIED,
                                                                      Refusal.NO_CHILDREN]


def test_a_resident_mother_is_refused(app, make_account, make_person):
    account = make_account("Resident002", state=ActivationState.ACTIVE, first_digit="2")
    former, child = make_person("2"), make_person("2", birth_date=years_ago(4))
    add_family(app, [MarriageEntry(former, account.national_id, date(2015, 1, 1),
                                   date(2020, 1, 1), MarriageEnd.DIVORCE),
                     ParentEntry(account.national_id, child, M, MALE),
                     CustodyEntry(account.national_id, child, date(2020, 2, 1))])
    assert check(app, account, FamilyRecordKind.MOTHER).refusals == [Refusal.NOT_CITIZEN]


def test_a_divorced_mother_whose_children_are_in_the_fathers_custody_is_refused(
        app, make_account, make_person):
    account = make_account(state=ActivationState.ACTIVE)
    former, child = make_person(), make_person(birth_date=years_ago(6))
    add_family(app, [MarriageEntry(former, account.national_id, date(2015, 1, 1),
                                   date(2020, 1, 1), MarriageEnd.DIVORCE),
                     ParentEntry(account.national_id, child, M, MALE),
                     ParentEntry(former, child, F, MALE),
                     CustodyEntry(former, child, date(2020, 2, 1))])
    assert check(app, account, FamilyRecordKind.MOTHER).refusals == [Refusal.NO_CHILDREN]


def test_a_widow_with_minor_children_needs_no_custody_record(app, client, make_account,
                                                             make_person, sms_outbox):
    account = make_account(state=ActivationState.ACTIVE)
    late, child = make_person(), make_person(birth_date=years_ago(3))
    add_family(app, [MarriageEntry(late, account.national_id, date(2015, 1, 1),
                                   date(2024, 1, 1), MarriageEnd.DEATH),
                     ParentEntry(account.national_id, child, M, MALE),
                     ParentEntry(late, child, F, MALE)])
    holder = signed_in(client, account, sms_outbox, MOTHER_URL)
    assert holder.apply().status_code == 303
    [record] = records(app)
    assert members_of(app, record) == {child: FamilyRelation.SON}


# --- the officer's path -------------------------------------------------------------------


@pytest.fixture
def unrecorded_custody(client, make_account, make_person, app, sms_outbox) -> Holder:
    """A divorced mother of a son of 4 whose custody nobody recorded."""
    account = make_account(state=ActivationState.ACTIVE)
    former, child = make_person(), make_person(birth_date=years_ago(4))
    add_family(app, [MarriageEntry(former, account.national_id, date(2015, 1, 1),
                                   date(2023, 1, 1), MarriageEnd.DIVORCE),
                     ParentEntry(account.national_id, child, M, MALE),
                     ParentEntry(former, child, F, MALE)])
    holder = signed_in(client, account, sms_outbox, MOTHER_URL)
    holder.people = {"son": child}
    return holder


def test_unrecorded_custody_goes_to_an_officer_who_approves(app, unrecorded_custody,
                                                             sms_outbox):
    holder = unrecorded_custody
    page = parse(holder.page()).get_text(" ", strip=True)
    assert "Civil Affairs officer" in page and "custody deed" in page
    assert holder.apply().status_code == 303
    [made] = requests_of(app, family_records.MOTHER_SERVICE)
    assert made.status is RequestStatus.UNDER_REVIEW
    assert made.reason == family_records.CUSTODY_UNRECORDED
    assert records(app) == []
    page = parse(holder.page()).get_text(" ", strip=True)
    assert made.number in page and "Apply for the family record" not in page
    before = len(sms_outbox.messages())
    with app.app_context(), db.transaction() as session:
        assert requests.move(session, session.get(ServiceRequest, made.id),
                             RequestStatus.APPROVED, utcnow())
    [record] = records(app)
    assert members_of(app, record) == {holder.people["son"]: FamilyRelation.SON}
    with app.app_context():
        from absher_web.models import SmsMessage
        queued = db.session.scalars(select(SmsMessage).where(
            SmsMessage.to == holder.account.mobile,
            SmsMessage.purpose == "family_record_notice")).all()
    assert len(queued) == 1 and record.number in queued[0].body
    assert len(sms_outbox.messages()) == before  # sent by run-due, after the approval
    assert record.number in holder.page().get_data(as_text=True)


def test_an_officers_refusal_is_shown_with_its_reason(app, unrecorded_custody):
    holder = unrecorded_custody
    holder.apply()
    [made] = requests_of(app, family_records.MOTHER_SERVICE)
    with app.app_context(), db.transaction() as session:
        assert requests.move(session, session.get(ServiceRequest, made.id),
                             RequestStatus.REFUSED, utcnow(),
                             reason=family_records.NOT_ELIGIBLE)
    page = parse(holder.page()).get_text(" ", strip=True)
    assert "was refused" in page and "Visit a Civil Affairs office" in page
    assert records(app) == []
    assert holder.apply().status_code == 303  # the same request: nothing new
    assert len(requests_of(app, family_records.MOTHER_SERVICE)) == 1


def test_a_withdrawn_request_leaves_the_way_open_to_apply_again(app, unrecorded_custody):
    holder = unrecorded_custody
    holder.apply()
    [made] = requests_of(app, family_records.MOTHER_SERVICE)
    url = f"/en/account/requests/{made.number}/withdraw"
    assert holder.client.post(url, data={"csrf_token": csrf_of(holder.client.get(url))}
                              ).status_code == 303
    page = parse(holder.page())
    assert page.find("button", string=lambda text: text and "Apply" in text) is not None
    assert holder.apply().status_code == 303
    found = {r.number: r.status for r in requests_of(app, family_records.MOTHER_SERVICE)}
    assert found.pop(made.number) is RequestStatus.CANCELLED
    assert list(found.values()) == [RequestStatus.UNDER_REVIEW]


def test_a_former_wife_no_longer_sees_the_record_nor_is_listed_in_it(
        app, make_account, make_person, sms_outbox):
    husband = make_account(state=ActivationState.ACTIVE, birth_date=date(1980, 1, 1))
    wife = make_account(state=ActivationState.ACTIVE, birth_date=date(1990, 1, 1),
                        name_en="Nouf Al-Otaibi")
    add_family(app, [MarriageEntry(husband.national_id, wife.national_id, date(2015, 1, 1))])
    holder = signed_in(app.test_client(), husband, sms_outbox, MARRIAGE_URL)
    assert holder.apply().status_code == 303
    [record] = records(app)
    former = signed_in(app.test_client(), wife, sms_outbox, MARRIAGE_URL)
    url = f"/en/account/family/records/{record.number}"
    assert former.client.get(url).status_code == 200  # his wife: on the record

    second = make_person(name_en="Amal Al-Dosari", birth_date=date(1995, 1, 1))
    add_family(app, [MarriageEntry(husband.national_id, wife.national_id, date(2015, 1, 1),
                                   TODAY - timedelta(days=10), MarriageEnd.DIVORCE),
                     MarriageEntry(husband.national_id, second, TODAY - timedelta(days=5))])
    assert holder.apply().status_code == 303  # the new wife joins his record

    assert former.client.get(url).status_code == 404  # divorced: not her family now
    assert record.number not in former.client.get("/en/account/family").get_data(as_text=True)
    page = holder.client.get(url).get_data(as_text=True)
    assert "Amal Al-Dosari" in page and "Nouf Al-Otaibi" not in page


def test_the_head_of_household_acts_for_the_dependents_his_record_lists(app, husband):
    """An unmarried daughter of 22 is on his record: he acts for her as head of household
    (an adult, not his as a parent); a married daughter, not on it, acts for herself."""
    people = husband.people
    with app.app_context():
        before = acting_for.may_act_for(db.session, husband.account,
                                        people["daughter"], "id_renewal")
    assert before.refusal is acting_for.Refusal.ADULT
    assert husband.apply().status_code == 303
    with app.app_context():
        decision = acting_for.may_act_for(db.session, husband.account,
                                          people["daughter"], "id_renewal")
        married = acting_for.may_act_for(db.session, husband.account,
                                         people["married_daughter"], "id_renewal")
    assert decision.relation is acting_for.Relation.HEAD
    assert married.relation is None


# --- hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize("data", [{}, {"csrf_token": "\x00"}, {"csrf_token": "x" * 10000}])
def test_a_form_without_a_good_token_is_refused_without_a_500(husband, app, data):
    response = husband.client.post(MARRIAGE_URL.format(lang="en"), data=data)
    assert 400 <= response.status_code < 500
    assert records(app) == []


# --- the demo -----------------------------------------------------------------------------


def test_the_demo_has_a_husband_and_a_mother_who_can_apply(app, session):
    from types import SimpleNamespace

    from absher_web.agencies import family_demo
    from absher_web.agencies.civil_registry import DEMO_IDS
    from absher_web.models import Person
    from tests.family.test_import import absher

    assert absher(app, "seed-demo").exit_code == 0
    session.rollback()
    now = utcnow()
    mohammed = SimpleNamespace(person=session.get(Person, DEMO_IDS[0]))
    husband = family_records.check_husband(session, mohammed, now)
    assert husband.met and {p.relation for p in husband.members} == {
        FamilyRelation.WIFE, FamilyRelation.SON, FamilyRelation.DAUGHTER}
    hessa = SimpleNamespace(person=session.get(Person, family_demo.HESSA))
    mother = family_records.check_mother(session, hessa, now)
    assert mother.met and mother.officer_reason is None
    assert {p.person.national_id for p in mother.members} == {family_demo.REEM,
                                                             family_demo.KHALID}
