"""The Passports office console: officer sign-in, lookups, in-person activation, and
officers' sessions kept apart from citizens'."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import (
    Account,
    Activation,
    ActivationChannel,
    ActivationRequestStatus,
    ActivationState,
    AuditEvent,
    SmsMessage,
    SmsStatus,
    StaffUser,
    utcnow,
)
from absher_web.services.sms import SmsDeliveryError
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse
from tests.staff.conftest import OFFICER_PASSWORD, Console, add_officer


@pytest.fixture
def officer(app) -> StaffUser:
    return add_officer(app)


@pytest.fixture
def console(client, officer) -> Console:
    return Console(client, officer)


@pytest.fixture
def signed_in(console) -> Console:
    console.sign_in()
    return console


def events(app, kind: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)
                                       .order_by(AuditEvent.id)))


def reload(app, account: Account) -> Account:
    with app.app_context():
        return db.session.get(Account, account.id)


def _filled(rule: str) -> str:
    """A concrete path for a URL rule: the first choice of an ``any(...)`` part, a made-up
    value for any other part (the refusal comes before any lookup)."""
    rule = re.sub(r"<any\(([^,)]+)[^>]*>", lambda match: match.group(1).strip(), rule)
    return re.sub(r"<[^>]+>", "12345678903", rule)


def main_text(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


# --- signing in ----------------------------------------------------------------------------


class TestSignIn:
    def test_the_right_password_opens_the_console_with_the_officer_named(self, app, console):
        response = console.enter_password()
        assert response.headers["Location"] == "/en/staff/"
        page = parse(console.client.get("/en/staff/"))
        assert page.h1.get_text(strip=True) == "Passports office console"
        nav = page.find("nav", attrs={"aria-label": "Officer console"}).get_text()
        assert "Khalid Alharbi" in nav and "Riyadh Passports" in nav
        [event] = events(app, "staff_signed_in")
        assert event.staff_user_id == console.officer.id and event.account_id is None

    def test_unknown_officer_and_wrong_password_get_the_same_answer(self, console):
        wrong_password = console.enter_password(password="Wrong-Passw0rd")
        unknown = console.enter_password(username="nobody.here", password="Wrong-Passw0rd")

        def visible(response):
            soup = parse(response)
            for hidden in soup.find_all("input", attrs={"name": "csrf_token"}):
                hidden.decompose()
            for typed in soup.find_all("input", attrs={"name": "username"}):
                typed["value"] = ""
            return response.status_code, str(soup)

        assert visible(wrong_password) == visible(unknown)
        assert wrong_password.status_code == 422
        assert "The username or password is not right" in main_text(wrong_password)
        assert parse(wrong_password).title.get_text().startswith("Error:")
        # What was typed stays, the password never does.
        field = parse(wrong_password).find("input", attrs={"name": "username"})
        assert field["value"] == console.officer.username
        assert not parse(wrong_password).find("input", attrs={"name": "password"}).get("value")

    def test_empty_fields_are_named(self, console):
        page = console.client.get("/en/staff/sign-in")
        response = console.client.post("/en/staff/sign-in", data={"csrf_token": csrf_of(page)})
        assert response.status_code == 422
        summary = parse(response).find(attrs={"data-error-summary": True}).get_text()
        assert "Enter your username" in summary and "Enter a password" in summary

    def test_five_failures_lock_the_officer_out_until_a_stated_time(self, app, console):
        for _ in range(4):
            assert "not right" in main_text(console.enter_password(password="Wrong-Passw0rd"))
        response = console.enter_password(password="Wrong-Passw0rd")
        assert response.status_code == 422
        text = main_text(response)
        with app.app_context():
            locked_until = db.session.get(StaffUser, console.officer.id).locked_until
        assert locked_until is not None
        assert "This officer account is locked after too many wrong passwords" in text
        # The time the lock ends, in Riyadh time as the office reads it.
        riyadh = locked_until + timedelta(hours=3)
        assert f"Try again after {riyadh.day} " in text and riyadh.strftime("%H:%M") in text
        # Even the right password is refused while locked.
        assert "locked" in main_text(console.enter_password())
        with time_machine.travel(timedelta(minutes=15, seconds=5)):
            assert console.enter_password().status_code == 303

    def test_each_lock_lasts_twice_as_long_as_the_one_before(self, app, console):
        def lock_length():
            for _ in range(5):
                console.enter_password(password="Wrong-Passw0rd")
            with app.app_context():
                return db.session.get(StaffUser, console.officer.id).locked_until - utcnow()

        first = lock_length()
        with time_machine.travel(first + timedelta(seconds=5)):
            second = lock_length()
        assert timedelta(minutes=14) < first <= timedelta(minutes=15)
        assert timedelta(minutes=29) < second <= timedelta(minutes=30)

    def test_sign_in_posts_are_limited_per_address(self, app, console):
        app.config["RATELIMIT_STAFF_SIGN_IN"] = "3 per minute"
        for _ in range(3):
            assert console.enter_password(password="Wrong-Passw0rd").status_code == 422
        assert console.enter_password().status_code == 429

    def test_a_signed_in_officer_going_to_sign_in_lands_on_the_console(self, signed_in):
        response = signed_in.client.get("/en/staff/sign-in")
        assert response.headers["Location"] == "/en/staff/"

    def test_the_console_needs_a_signed_in_officer(self, client):
        for path in ("/en/staff/", "/ar/staff/"):
            response = client.get(path)
            assert response.status_code == 303
            assert response.headers["Location"] == path + "sign-in"

    @pytest.mark.parametrize(("lang", "direction", "heading"),
                             [("en", "ltr", "Officer sign-in"), ("ar", "rtl", None)])
    def test_sign_in_page_language(self, client, lang, direction, heading):
        page = parse(client.get(f"/{lang}/staff/sign-in"))
        assert (page.html["lang"], page.html["dir"]) == (lang, direction)
        assert page.find("input", attrs={"name": "username"})["dir"] == "ltr"
        if heading:
            assert page.h1.get_text(strip=True) == heading


def test_every_post_needs_the_csrf_token(app, client, officer, make_account):
    app.config["WTF_CSRF_ENABLED"] = True
    account = make_account()
    refused = client.post("/en/staff/sign-in",
                          data={"username": officer.username, "password": OFFICER_PASSWORD})
    assert refused.status_code == 400
    assert client.get("/en/staff/").status_code == 303  # still not signed in
    console = Console(client, officer)
    console.sign_in()
    for path, data in [
        ("/en/staff/", {"national_id": account.national_id}),
        ("/en/staff/activate", {"national_id": account.national_id,
                                "fingerprints_verified": "y"}),
        ("/en/staff/sign-out", {}),
    ]:
        assert client.post(path, data=data).status_code == 400, path
    assert events(app, "staff_looked_up") == []
    assert reload(app, account).activation_state is ActivationState.NOT_ACTIVATED
    assert client.get("/en/staff/").status_code == 200  # the sign-out did not happen


# --- looking an account up -----------------------------------------------------------------


class TestLookUp:
    def test_an_id_with_no_account_says_so_and_is_audited(self, app, signed_in, make_person):
        national_id = make_person()
        response = signed_in.look_up(national_id)
        assert response.status_code == 200
        assert "No account is registered for this ID or iqama number" in main_text(response)
        assert parse(response).find("form", action="/en/staff/activate") is None
        [event] = events(app, "staff_looked_up")
        assert event.staff_user_id == signed_in.officer.id
        assert event.detail["national_id"] == national_id and event.account_id is None

    @pytest.mark.parametrize(("typed", "expected"), [
        ("12345", "Enter the ID or iqama number as 10 digits, starting with 1 or 2"),
        ("1000000017", "Check the ID or iqama number: it is not a valid number"),
        ("", "Enter the ID or iqama number"),
    ])
    def test_a_malformed_id_is_refused_next_to_the_field_keeping_the_input(
        self, app, signed_in, typed, expected
    ):
        response = signed_in.look_up(typed)
        assert response.status_code == 422
        soup = parse(response)
        field = soup.find("input", attrs={"name": "national_id"})
        assert field["value"] == typed
        assert field["aria-invalid"] == "true"
        error = soup.find(id="national_id-error")
        assert error.get_text(" ", strip=True) == f"Error: {expected}"
        assert "national_id-error" in field["aria-describedby"].split()
        assert field.find_parent(class_="field") is error.find_parent(class_="field")
        assert soup.find(attrs={"data-error-summary": True}).find("a")["href"] == "#national_id"
        assert events(app, "staff_looked_up") == []

    def test_a_known_account_shows_the_holder_in_english(self, signed_in, make_account):
        account = make_account(mobile="+966551234678")
        response = signed_in.look_up(account.national_id)
        soup = parse(response)
        facts = soup.find("dl", class_="facts").get_text(" ", strip=True)
        assert "Sarah Mohammed Alotaibi" in facts and "سارة" not in facts
        assert account.national_id in facts
        masked = soup.find(string=lambda s: s and "678" in s)
        assert masked.strip() == "+966 5•• ••• 678" and "1234" not in facts
        assert masked.parent["dir"] == "ltr"
        assert "Not activated" in facts
        form = soup.find("form", action="/en/staff/activate")
        assert form.find("input", attrs={"name": "national_id"})["value"] == account.national_id
        assert form.find("input", attrs={"name": "fingerprints_verified", "type": "checkbox"})
        assert form.find("button").get_text(strip=True) == "Activate the account"

    def test_arabic_page_shows_the_arabic_name(self, client, officer, make_account):
        console = Console(client, officer, lang="ar")
        console.sign_in()
        account = make_account()
        soup = parse(console.look_up("".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in account.national_id)))
        assert soup.html["dir"] == "rtl"
        facts = soup.find("dl", class_="facts").get_text(" ", strip=True)
        assert "سارة محمد العتيبي" in facts and "Sarah" not in facts

    def test_a_pending_account_shows_when_it_becomes_active(self, app, signed_in, make_account):
        from datetime import UTC, datetime

        account = make_account(state=ActivationState.PENDING)
        with app.app_context():
            db.session.add(Activation(
                account_id=account.id, channel=ActivationChannel.ATM,
                status=ActivationRequestStatus.PENDING, requested_at=utcnow(),
                effective_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC)))
            db.session.commit()
        facts = parse(signed_in.look_up(account.national_id)).find("dl").get_text(" ", strip=True)
        assert "Activation pending: active from 26 November 2026" in facts
        assert "AH" in facts  # and the Hijri date

    def test_an_active_account_shows_since_when_and_no_activation_form(self, app, signed_in,
                                                                        make_account):
        from datetime import UTC, datetime

        account = make_account(state=ActivationState.ACTIVE)
        with app.app_context():
            db.session.get(Account, account.id).activated_at = datetime(2026, 3, 1, tzinfo=UTC)
            db.session.commit()
        soup = parse(signed_in.look_up(account.national_id))
        assert "Active since 1 March 2026" in soup.find("dl").get_text(" ", strip=True)
        assert soup.find("form", action="/en/staff/activate") is None


# --- activating ----------------------------------------------------------------------------


class TestActivation:
    @pytest.mark.parametrize("language", ["en", "ar"])
    def test_activation_is_recorded_and_texted_in_the_holders_language(
        self, app, signed_in, make_account, sms_outbox, language
    ):
        account = make_account(language=language)
        signed_in.look_up(account.national_id)
        response = signed_in.activate(account.national_id)
        assert response.status_code == 303
        assert response.headers["Location"] == "/en/staff/"

        assert reload(app, account).activation_state is ActivationState.ACTIVE
        with app.app_context():
            [row] = db.session.scalars(select(Activation)).all()
            assert (row.account_id, row.channel, row.staff_user_id, row.status) == (
                account.id, ActivationChannel.PASSPORTS, signed_in.officer.id,
                ActivationRequestStatus.DONE)
        [event] = events(app, "account_activated")
        assert (event.account_id, event.staff_user_id) == (account.id, signed_in.officer.id)
        message = sms_outbox.messages()[-1]
        assert message["to"] == account.mobile
        if language == "ar":
            assert "أبشر" in message["body"]
        else:
            assert message["body"].startswith("Absher: your account is now active")

        home = signed_in.client.get("/en/staff/")
        notice = parse(home).find(class_="notice").get_text(" ", strip=True)
        assert notice == (f"The account of ID {account.national_id} is now active. "
                          "An SMS has been sent to the holder")
        # Shown once: the confirmation is not repeated on the next visit.
        assert parse(signed_in.client.get("/en/staff/")).find(class_="notice") is None

    def test_a_failed_sms_is_named_and_left_to_be_sent_again(self, app, signed_in, make_account):
        class BrokenGateway:
            def send(self, to: str, body: str, key: str | None = None) -> None:
                raise SmsDeliveryError("provider down")

        app.extensions["absher_sms"] = BrokenGateway()
        account = make_account()
        assert signed_in.activate(account.national_id).status_code == 303
        assert reload(app, account).activation_state is ActivationState.ACTIVE
        notice = main_text(signed_in.client.get("/en/staff/"))
        assert f"The account of ID {account.national_id} is now active" in notice
        assert "could not be sent yet: it will be sent again automatically" in notice
        with app.app_context():
            [sms] = db.session.scalars(select(SmsMessage)).all()
            assert (sms.status, sms.retryable) == (SmsStatus.FAILED, True)

    def test_an_already_active_account_is_left_as_it_was(self, app, signed_in, make_account,
                                                         sms_outbox):
        account = make_account(state=ActivationState.ACTIVE)
        response = signed_in.activate(account.national_id)
        assert response.status_code == 303
        text = main_text(signed_in.client.get("/en/staff/"))
        assert f"The account of ID {account.national_id} is already active" in text
        with app.app_context():
            assert db.session.scalars(select(Activation)).all() == []
        assert events(app, "account_activated") == [] and sms_outbox.messages() == []

    def test_without_the_fingerprint_checkbox_nothing_is_activated(self, app, signed_in,
                                                                   make_account):
        account = make_account()
        response = signed_in.activate(account.national_id, verified=False)
        assert response.status_code == 422
        soup = parse(response)
        box = soup.find("input", attrs={"name": "fingerprints_verified"})
        error = soup.find(id="fingerprints_verified-error")
        assert "Confirm that you have verified the holder's fingerprints" in error.get_text()
        assert box.find_parent(class_="field") is error.find_parent(class_="field")
        assert box["aria-invalid"] == "true"
        summary = soup.find(attrs={"data-error-summary": True})
        assert summary.find("a")["href"] == "#fingerprints_verified"
        # The holder is still on the page, and the search keeps the number.
        assert "Sarah Mohammed Alotaibi" in soup.find("dl").get_text()
        assert soup.find(id="national_id")["value"] == account.national_id
        assert reload(app, account).activation_state is ActivationState.NOT_ACTIVATED

    def test_a_pending_atm_activation_is_overtaken_by_the_officer(self, app, signed_in,
                                                                  make_account):
        account = make_account(state=ActivationState.PENDING)
        with app.app_context():
            db.session.add(Activation(
                account_id=account.id, channel=ActivationChannel.ATM,
                status=ActivationRequestStatus.PENDING, requested_at=utcnow(),
                effective_at=utcnow() + timedelta(days=2)))
            db.session.commit()
        assert signed_in.activate(account.national_id).status_code == 303
        assert reload(app, account).activation_state is ActivationState.ACTIVE

    def test_an_altered_id_is_refused(self, app, signed_in):
        assert signed_in.activate("1234").status_code == 400


# --- sessions ------------------------------------------------------------------------------


class TestOfficerSessions:
    def test_sign_out_is_audited_and_ends_the_session(self, app, signed_in):
        response = signed_in.sign_out()
        assert response.headers["Location"] == "/en/staff/sign-in"
        [event] = events(app, "staff_signed_out")
        assert event.staff_user_id == signed_in.officer.id
        assert signed_in.client.get("/en/staff/").status_code == 303
        assert "You have signed out" in main_text(signed_in.client.get("/en/staff/sign-in"))

    def test_a_copy_of_the_session_cookie_stops_working_at_sign_out(self, app, signed_in):
        copied = signed_in.client.get_cookie("absher_session").value
        signed_in.sign_out()
        other_browser = app.test_client()
        other_browser.set_cookie("absher_session", copied)
        assert other_browser.get("/en/staff/").status_code == 303

    def test_an_idle_officer_is_sent_to_sign_in_and_told_why(self, signed_in):
        with time_machine.travel(timedelta(minutes=16)):
            response = signed_in.client.get("/en/staff/")
            assert response.headers["Location"] == "/en/staff/sign-in"
            page = main_text(signed_in.client.get("/en/staff/sign-in"))
            assert "You were signed out because you did nothing for a while" in page
            assert signed_in.client.get("/en/staff/").status_code == 303

    def test_activity_keeps_the_officer_signed_in(self, signed_in):
        for minutes in (10, 20, 30):
            with time_machine.travel(timedelta(minutes=minutes)):
                assert signed_in.client.get("/en/staff/").status_code == 200

    def test_a_changed_session_token_ends_the_session(self, app, signed_in):
        with app.app_context():
            db.session.get(StaffUser, signed_in.officer.id).session_token = "replaced"
            db.session.commit()
        assert signed_in.client.get("/en/staff/").status_code == 303

    def test_a_deactivated_officer_is_signed_out(self, app, signed_in):
        with app.app_context():
            db.session.get(StaffUser, signed_in.officer.id).is_active = False
            db.session.commit()
        assert signed_in.client.get("/en/staff/").status_code == 303

    def test_officer_pages_are_never_cached(self, signed_in, make_account):
        for response in (signed_in.client.get("/en/staff/sign-in"),
                         signed_in.client.get("/en/staff/"),
                         signed_in.look_up(make_account().national_id)):
            assert response.headers["Cache-Control"] == "no-store"


class TestRolesApart:
    def test_a_signed_in_citizen_gets_403_on_every_staff_page(self, client, citizen):
        citizen.sign_in()
        for path in ("/ar/staff/", "/ar/staff/sign-in", "/en/staff/sign-in"):
            response = client.get(path)
            assert response.status_code == 403, path
            assert "<html" in response.get_data(as_text=True)
        page = parse(client.get("/ar/staff/"))
        assert page.html["lang"] == "ar"
        token = csrf_of(client.get("/en/account/"))
        assert client.post("/en/staff/sign-in", data={"csrf_token": token}).status_code == 403
        # The citizen's own session carries on.
        assert client.get("/en/account/").status_code == 200

    def test_a_signed_in_officer_gets_403_on_citizens_pages(self, signed_in):
        client = signed_in.client
        for path in ("/ar/account/", "/en/account/my-data", "/en/account/password",
                     "/en/account/security-questions"):
            assert client.get(path).status_code == 403, path
        token = csrf_of(client.get("/en/staff/"))
        assert client.post("/en/individuals/sign-out",
                           data={"csrf_token": token}).status_code == 403
        # Public pages stay open, and the officer stays signed in.
        assert client.get("/en/about").status_code == 200
        assert client.get("/en/staff/").status_code == 200

    def test_a_signed_in_officer_gets_403_on_every_page_under_account(self, app, signed_in):
        """E-services included (they were sent to the citizen sign-in): every rule of the
        citizen area, GET and POST, whatever blueprint holds it."""
        client = signed_in.client
        token = csrf_of(client.get("/en/staff/"))
        rules = [rule for rule in app.url_map.iter_rules()
                 if rule.rule.startswith("/<lang_code>/account")]
        assert any(rule.endpoint.startswith("eservices.") for rule in rules)
        for rule in rules:
            path = _filled(rule.rule.replace("<lang_code>", "en"))
            for method in ({"GET", "POST"} & rule.methods):
                response = client.open(path, method=method, data={"csrf_token": token})
                assert response.status_code == 403, (method, path, response.status_code)
        assert client.get("/en/staff/").status_code == 200  # still signed in

    def test_officer_sign_in_ends_a_citizens_session(self, client, officer, citizen):
        # A citizen half-way through signing in (password done, code not yet entered).
        assert citizen.enter_password().status_code == 303
        assert client.get("/en/individuals/login/code").status_code == 200
        with client.session_transaction() as before:
            before["planted"] = "left over"
        Console(client, officer).sign_in()
        with client.session_transaction() as after:
            assert "planted" not in after and "sign_in_flow" not in after
            assert "_user_id" not in after
        assert client.get("/en/individuals/login/code").status_code == 303

    def test_an_idle_citizen_may_then_use_the_staff_sign_in(self, client, officer, citizen):
        citizen.sign_in()
        with time_machine.travel(timedelta(minutes=16)):
            assert client.get("/en/staff/sign-in").status_code == 200
            Console(client, officer).sign_in()
            assert client.get("/en/staff/").status_code == 200
            assert client.get("/en/account/").status_code == 403

    def test_citizen_sign_in_ends_an_officers_session(self, client, signed_in, citizen):
        citizen.sign_in()
        assert client.get("/en/account/").status_code == 200
        with client.session_transaction() as session:
            assert not any(key.startswith("staff_") for key in session)
        assert client.get("/en/staff/").status_code == 403  # now a citizen


@pytest.fixture
def citizen(client, make_account, sms_outbox) -> Citizen:
    return Citizen(client, make_account(), sms_outbox)
