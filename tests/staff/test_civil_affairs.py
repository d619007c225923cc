"""The Civil Affairs queue: roles and city decide who sees and decides which request, a
mother's case approved (her record issued, her SMS in her language) or refused with a
reason (shown on My requests, texted), twenty decisions at once making one, and hostile
reasons refused next to the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from absher_web.agencies import family
from absher_web.agencies.family import MarriageEntry, ParentEntry
from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    AuditEvent,
    FamilyRecord,
    FamilyRecordMember,
    FamilyRelation,
    MarriageEnd,
    ParentRole,
    Person,
    RequestStatus,
    ServiceRequest,
    Sex,
    StaffUser,
    utcnow,
)
from absher_web.services import family_records, requests
from absher_web.services.eservices import local_today
from tests.account.concurrency import at_once, open_limits
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse
from tests.staff.conftest import Console, add_officer

TODAY = local_today(utcnow())
MOTHER_URL = "/en/account/family/records/mother"


def text_of(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


def officer_console(app, username: str = "h.alqahtani", roles=("civil_affairs",),
                    city: str | None = "Riyadh") -> Console:
    officer = add_officer(app, username=username, full_name="Hanan Alqahtani",
                          office="Riyadh Civil Affairs", roles=roles, city=city)
    console = Console(app.test_client(), officer)
    console.sign_in()
    return console


def mother_applies(app, make_account, make_person, sms_outbox, language="en",
                   city="الرياض") -> tuple[Citizen, ServiceRequest, str]:
    """A divorced mother of a son of 4 whose custody nobody recorded: her request goes to
    an officer of her city."""
    account = make_account(state=ActivationState.ACTIVE, language=language)
    if city != "الرياض":
        with app.app_context():
            db.session.execute(update(Person).where(Person.national_id == account.national_id)
                               .values(city=city))
            db.session.commit()
    former = make_person()
    child = make_person(birth_date=TODAY.replace(year=TODAY.year - 4) - timedelta(days=3))
    with app.app_context(), db.transaction() as session:
        family.import_family(session, [
            MarriageEntry(former, account.national_id, date(2015, 1, 1), date(2023, 1, 1),
                          MarriageEnd.DIVORCE),
            ParentEntry(account.national_id, child, ParentRole.MOTHER, Sex.MALE),
            ParentEntry(former, child, ParentRole.FATHER, Sex.MALE)])
    holder = Citizen(app.test_client(), account, sms_outbox, lang=language)
    holder.sign_in()
    token = csrf_of(holder.client.get(f"/{language}/account/family"))
    assert holder.client.post(f"/{language}/account/family/records/mother",
                              data={"csrf_token": token}).status_code == 303
    with app.app_context():
        made = db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.account_id == account.id)).one()
        db.session.expunge(made)
    assert made.status is RequestStatus.UNDER_REVIEW
    return holder, made, child


def decide(console: Console, number: str, approve: bool = True, reason: str = ""):
    page = console.client.get(f"/{console.lang}/staff/civil-affairs/{number}")
    data = {"csrf_token": csrf_of(page)}
    if not approve:
        data["reason"] = reason
    action = "approve" if approve else "refuse"
    return console.client.post(f"/{console.lang}/staff/civil-affairs/{number}/{action}",
                               data=data)


def status_of(app, made: ServiceRequest) -> ServiceRequest:
    with app.app_context():
        found = db.session.get(ServiceRequest, made.id)
        db.session.expunge(found)
        return found


@pytest.fixture
def case(app, make_account, make_person, sms_outbox):
    return mother_applies(app, make_account, make_person, sms_outbox)


# --- who sees what ---------------------------------------------------------------------------


def test_a_civil_affairs_officer_lands_on_the_queue_which_lists_the_case(app, case):
    _holder, made, child = case
    console = Console(app.test_client(), add_officer(
        app, username="h.alqahtani", roles=("civil_affairs",), city="الرياض"))
    response = console.enter_password()
    assert response.headers["Location"] == "/en/staff/civil-affairs"
    page = parse(console.client.get("/en/staff/civil-affairs"))
    row = page.find("a", string=lambda s: s and made.number in s)
    assert row is not None
    text = page.find("main").get_text(" ", strip=True)
    assert "New family record for mothers" in text and "custody deed" in text
    assert child in text  # the detail the Kind names: the children whose custody is checked
    nav = page.find("nav", attrs={"aria-label": "Officer console"})
    assert "Civil Affairs requests" in nav.get_text() and "Look up an account" not in nav.get_text()


def test_an_officer_without_the_passports_role_gets_403_on_the_passports_pages(app):
    console = officer_console(app)
    for path in ("/en/staff/", "/ar/staff/", "/en/staff/mobile/code"):
        response = console.client.get(path)
        assert response.status_code == 403, path
        assert "<html" in response.get_data(as_text=True)
    assert parse(console.client.get("/ar/staff/")).html["lang"] == "ar"
    token = csrf_of(console.client.get("/en/staff/civil-affairs"))
    assert console.client.post("/en/staff/", data={"csrf_token": token,
                                                   "national_id": "1000000008"}
                               ).status_code == 403
    assert console.client.get("/en/staff/civil-affairs").status_code == 200


def test_a_passports_officer_gets_403_on_the_queue_and_a_case(app, case):
    _holder, made, _child = case
    console = officer_console(app, roles=("passports",), city=None)
    for path in ("/en/staff/civil-affairs", f"/en/staff/civil-affairs/{made.number}"):
        assert console.client.get(path).status_code == 403, path
    token = csrf_of(console.client.get("/en/staff/"))
    assert console.client.post(f"/en/staff/civil-affairs/{made.number}/approve",
                               data={"csrf_token": token}).status_code == 403
    nav = parse(console.client.get("/en/staff/")).find("nav", attrs={
        "aria-label": "Officer console"}).get_text()
    assert "Civil Affairs requests" not in nav
    assert status_of(app, made).status is RequestStatus.UNDER_REVIEW


def test_an_officer_of_both_roles_lands_on_the_passports_console_and_sees_both(app):
    console = officer_console(app, roles=("passports", "civil_affairs"))
    assert console.client.get("/en/staff/sign-in").headers["Location"] == "/en/staff/"
    nav = parse(console.client.get("/en/staff/")).find("nav", attrs={
        "aria-label": "Officer console"}).get_text()
    assert "Civil Affairs requests" in nav and "Look up an account" in nav


def test_another_citys_officer_neither_sees_nor_decides_the_case(app, case):
    _holder, made, _child = case
    jeddah = officer_console(app, username="j.officer", city="Jeddah")
    assert made.number not in jeddah.client.get("/en/staff/civil-affairs").get_data(
        as_text=True)
    assert jeddah.client.get(f"/en/staff/civil-affairs/{made.number}").status_code == 403
    token = csrf_of(jeddah.client.get("/en/staff/civil-affairs"))
    for action in ("approve", "refuse"):
        assert jeddah.client.post(f"/en/staff/civil-affairs/{made.number}/{action}",
                                  data={"csrf_token": token, "reason": "No"}
                                  ).status_code == 403
    assert status_of(app, made).status is RequestStatus.UNDER_REVIEW


def test_a_citizen_session_gets_403_on_the_queue(app, case):
    holder, made, _child = case
    for path in ("/en/staff/civil-affairs", f"/en/staff/civil-affairs/{made.number}"):
        assert holder.client.get(path).status_code == 403, path
    token = csrf_of(holder.client.get("/en/account/"))
    assert holder.client.post(f"/en/staff/civil-affairs/{made.number}/approve",
                              data={"csrf_token": token}).status_code == 403
    assert status_of(app, made).status is RequestStatus.UNDER_REVIEW


def test_a_stranger_is_sent_to_the_officer_sign_in(client):
    response = client.get("/en/staff/civil-affairs")
    assert response.status_code == 303 and response.headers["Location"] == "/en/staff/sign-in"


def test_an_unknown_request_number_is_not_found(app):
    console = officer_console(app)
    for number in ("1234567890", "x", "9" * 200):
        assert console.client.get(f"/en/staff/civil-affairs/{number}").status_code == 404


def test_every_post_needs_the_csrf_token(app, case):
    _holder, made, _child = case
    console = officer_console(app)
    for action in ("approve", "refuse"):
        response = console.client.post(f"/en/staff/civil-affairs/{made.number}/{action}",
                                       data={"reason": "x"})
        assert response.status_code == 400
    assert status_of(app, made).status is RequestStatus.UNDER_REVIEW


# --- deciding ------------------------------------------------------------------------------


def test_an_approval_issues_her_record_with_the_child_and_texts_her_in_arabic(
        app, make_account, make_person, sms_outbox):
    holder, made, child = mother_applies(app, make_account, make_person, sms_outbox, "ar")
    console = officer_console(app)
    before = len(sms_outbox.messages())
    response = decide(console, made.number)
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/staff/civil-affairs"
    queue = text_of(console.client.get("/en/staff/civil-affairs"))
    assert f"Request {made.number} is approved" in queue
    assert made.number not in queue.replace(f"Request {made.number} is approved", "")
    found = status_of(app, made)
    assert found.status is RequestStatus.APPROVED and found.decided_by == console.officer.id
    with app.app_context():
        record = db.session.scalars(select(FamilyRecord).where(
            FamilyRecord.head_id == holder.account.national_id)).one()
        members = {m.person_id: m.relation for m in db.session.scalars(
            select(FamilyRecordMember).where(FamilyRecordMember.record_id == record.id))}
        [event] = db.session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "request_approved")).all()
    assert members == {child: FamilyRelation.SON}
    assert (event.account_id, event.staff_user_id) == (holder.account.id, console.officer.id)
    sent = [m for m in sms_outbox.messages()[before:] if m["to"] == holder.account.mobile]
    assert len(sent) == 1 and record.number in sent[0]["body"]
    assert "سجل" in sent[0]["body"]  # her language
    mine = text_of(holder.client.get("/ar/account/requests"))
    assert made.number in mine and "تمت الموافقة" in mine


def test_a_refusal_keeps_the_reason_for_the_holder_and_texts_her(app, case, sms_outbox):
    holder, made, _child = case
    console = officer_console(app)
    before = len(sms_outbox.messages())
    reason = "The custody deed shown is for another child. Bring the court's deed for Omar."
    response = decide(console, made.number, approve=False, reason=reason)
    assert response.status_code == 303
    found = status_of(app, made)
    assert found.status is RequestStatus.REFUSED and found.note == reason
    assert found.reason == family_records.NOT_ELIGIBLE
    sent = [m for m in sms_outbox.messages()[before:] if m["to"] == holder.account.mobile]
    assert len(sent) == 1
    assert made.number in sent[0]["body"] and "refused" in sent[0]["body"]
    assert "Omar" not in sent[0]["body"]  # the officer's words stay on Absher
    mine = text_of(holder.client.get("/en/account/requests"))
    assert "Refused" in mine and reason in mine
    assert "Withdraw the request" not in mine
    with app.app_context():
        assert db.session.scalars(select(FamilyRecord)).all() == []


@pytest.mark.parametrize(("reason", "problem"), [
    ("", "Write why you refuse the request"),
    ("   ", "Write why you refuse the request"),
    ("x" * 501, "500 characters or fewer"),
    ("Refused\x00", "cannot be used"),
    ("\u202eRefused", "cannot be used"),
])
def test_a_bad_reason_is_refused_next_to_the_field(app, case, reason, problem):
    _holder, made, _child = case
    console = officer_console(app)
    console.open_case(f"civil-affairs/{made.number}")
    response = decide(console, made.number, approve=False, reason=reason)
    assert response.status_code == 422
    page = parse(response)
    error = page.find(id="reason-error")
    assert error is not None and problem in error.get_text()
    assert page.find(class_="error-summary") is not None
    assert status_of(app, made).status is RequestStatus.UNDER_REVIEW


def test_markup_in_a_reason_is_shown_as_text(app, case):
    holder, made, _child = case
    console = officer_console(app)
    assert decide(console, made.number, approve=False,
                  reason="<script>alert(1)</script> Visit us").status_code == 303
    body = holder.client.get("/en/account/requests").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_a_decided_request_is_not_decided_again(app, case, sms_outbox):
    _holder, made, _child = case
    console = officer_console(app)
    assert decide(console, made.number).status_code == 303
    before = len(sms_outbox.messages())
    page = text_of(console.open_case(f"civil-affairs/{made.number}"))
    assert "no longer waits for an officer" in page and "Approve the request" not in page
    assert decide(console, made.number, approve=False, reason="No").status_code == 303
    assert "was already decided or withdrawn" in text_of(
        console.client.get("/en/staff/civil-affairs"))
    assert status_of(app, made).status is RequestStatus.APPROVED
    assert len(sms_outbox.messages()) == before


def test_twenty_decisions_at_once_by_two_officers_make_one(app, case, sms_outbox):
    holder, made, _child = case
    open_limits(app)
    consoles = [officer_console(app, username=f"officer.{n}") for n in range(2)]
    tokens = [csrf_of(c.client.get(f"/en/staff/civil-affairs/{made.number}"))
              for c in consoles]
    before = len(sms_outbox.messages())
    jobs = []
    for n in range(20):
        console, token = consoles[n % 2], tokens[n % 2]
        client = app.test_client()
        name = app.config["SESSION_COOKIE_NAME"]
        client.set_cookie(name, console.client.get_cookie(name).value)
        action = "approve" if n % 4 < 2 else "refuse"

        def job(client=client, action=action, token=token):
            return client.post(f"/en/staff/civil-affairs/{made.number}/{action}",
                               data={"csrf_token": token, "reason": "Not shown"}).status_code

        jobs.append(job)
    assert set(at_once(jobs)) == {303}
    found = status_of(app, made)
    assert found.status in (RequestStatus.APPROVED, RequestStatus.REFUSED)
    with app.app_context():
        decided = db.session.scalars(select(AuditEvent).where(
            AuditEvent.kind.in_(("request_approved", "request_refused")))).all()
        records = db.session.scalars(select(FamilyRecord)).all()
    assert len(decided) == 1
    assert len(records) == (1 if found.status is RequestStatus.APPROVED else 0)
    sent = [m for m in sms_outbox.messages()[before:] if m["to"] == holder.account.mobile]
    assert len(sent) == 1


def test_decide_refuses_an_officer_of_another_role_or_city(app, case):
    _holder, made, _child = case
    with app.app_context():
        found = db.session.get(ServiceRequest, made.id)
        passports = StaffUser(id=900, roles=["passports"], city="الرياض")
        jeddah = StaffUser(id=901, roles=["civil_affairs"], city="جدة")
        for officer in (passports, jeddah):
            with pytest.raises(requests.NotAllowed):
                requests.decide(db.session, found, True, officer, utcnow())
        db.session.rollback()
    assert status_of(app, made).status is RequestStatus.UNDER_REVIEW


def test_the_queue_and_a_case_in_arabic(app, case):
    _holder, made, _child = case
    console = officer_console(app)
    console.lang = "ar"
    page = parse(console.client.get("/ar/staff/civil-affairs"))
    assert page.html["lang"] == "ar" and page.html["dir"] == "rtl"
    assert made.number in page.get_text()
    case_page = parse(console.open_case(f"civil-affairs/{made.number}"))
    assert case_page.find("textarea", attrs={"name": "reason"}) is not None
    assert console.client.get("/ar/staff/civil-affairs").headers["Cache-Control"] == "no-store"


def test_the_demo_has_a_mother_whose_request_goes_to_an_officer(app, session):
    from types import SimpleNamespace

    from absher_web.agencies import family_demo
    from absher_web.models import Person
    from tests.family.test_import import absher

    assert absher(app, "seed-demo").exit_code == 0
    session.rollback()
    amal = SimpleNamespace(person=session.get(Person, family_demo.AMAL))
    checked = family_records.check_mother(session, amal, utcnow())
    assert checked.met and checked.officer_reason == family_records.CUSTODY_UNRECORDED
    assert [p.person.national_id for p in checked.members] == [family_demo.YOUSEF]
    assert amal.person.city == "الرياض"


def test_a_town_outside_the_known_cities_has_its_office_and_operators_see_it_waiting(
        app, make_account, make_person, sms_outbox):
    """A mother of القطيف (not one of the cities the site names in English): her case waits
    for an officer of القطيف, `waiting-requests` says nobody can decide it until an
    operator creates one, who then sees and decides it."""
    _holder, made, _child = mother_applies(app, make_account, make_person, sms_outbox,
                                           city=" القطيف ")
    assert status_of(app, made).office_city == "القطيف"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["absher", "waiting-requests"])
    assert result.exit_code == 1
    assert "القطيف" in result.output and "none" in result.output

    console = officer_console(app, username="q.officer", city="القطيف")
    assert made.number in text_of(console.client.get("/en/staff/civil-affairs"))
    result = runner.invoke(args=["absher", "waiting-requests"])
    assert result.exit_code == 0, result.output
    assert decide(console, made.number).status_code == 303
    result = runner.invoke(args=["absher", "waiting-requests"])
    assert (result.exit_code, result.output.strip()) == (
        0, "No request is waiting for an officer.")


@pytest.mark.parametrize("city", ["Qatif<script>", "ا", "x" * 300, "\u202eالقطيف"])
def test_a_city_that_is_neither_known_nor_a_town_in_arabic_is_refused(app, city):
    result = app.test_cli_runner().invoke(args=[
        "absher", "create-officer", "c.officer", "--name", "C Officer", "--office", "Office",
        "--role", "civil_affairs", "--city", city], input="Kx7-Strong-Pass-9\nKx7-Strong-Pass-9\n")
    assert result.exit_code != 0 and "Unknown city" in result.output


def test_a_queue_longer_than_it_shows_says_how_many_wait(app, make_account, make_person,
                                                        sms_outbox, monkeypatch):
    monkeypatch.setattr(requests, "QUEUE_SHOWN", 1)
    _first, oldest, _ = mother_applies(app, make_account, make_person, sms_outbox)
    _second, newer, _ = mother_applies(app, make_account, make_person, sms_outbox)
    queue = text_of(officer_console(app).client.get("/en/staff/civil-affairs"))
    assert "The oldest 1 request of 2 is shown" in queue
    assert oldest.number in queue and newer.number not in queue


def test_the_queues_count_stops_past_its_cap(app, make_account, make_person, sms_outbox):
    """A queue of thousands is never counted whole: past the cap the page says "more than"."""
    made = [mother_applies(app, make_account, make_person, sms_outbox)[1] for _ in range(3)]
    services = (made[0].service,)
    with app.app_context():
        assert requests.awaiting_count(db.session, services, made[0].office_city) == 3
        assert requests.awaiting_count(db.session, services, made[0].office_city, cap=1) == 2
