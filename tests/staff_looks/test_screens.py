"""Each staff screen that opens a holder's record asks why first and records the look;
the holder sees it on Who looked at my data (when, office and role, reason), never the
officer's name; no other holder sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import ActivationState, StaffLook, StaffUser, utcnow
from absher_web.services import staff_looks
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse
from tests.staff.conftest import Console, add_officer
from tests.staff.test_civil_affairs import decide, mother_applies, officer_console

LOOKS = "/{lang}/account/my-data/looks"


def text_of(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


def looks_at(app, national_id: str) -> list[StaffLook]:
    with app.app_context():
        found = list(db.session.scalars(select(StaffLook).where(
            StaffLook.person_id == national_id).order_by(StaffLook.id)))
        db.session.expunge_all()
        return found


@pytest.fixture
def active_holder(client, make_account, sms_outbox) -> Citizen:
    citizen = Citizen(client, make_account(state=ActivationState.ACTIVE), sms_outbox)
    citizen.sign_in()
    return citizen


def test_a_passports_lookup_is_shown_to_the_holder_without_the_officers_name(
        app, active_holder, make_account, sms_outbox):
    officer = add_officer(app)
    console = Console(app.test_client(), officer)
    console.sign_in()
    assert console.look_up(active_holder.account.national_id, "other",
                           "Asked by the Public Prosecution").status_code == 200
    page = text_of(active_holder.client.get(LOOKS.format(lang="en")))
    assert "Riyadh Passports" in page and "Passports officer" in page
    assert "Another reason, written below" in page and "Asked by the Public Prosecution" in page
    assert "Khalid" not in page and "k.alharbi" not in page
    other = Citizen(app.test_client(), make_account(state=ActivationState.ACTIVE), sms_outbox)
    other.sign_in()
    other_page = text_of(other.client.get(LOOKS.format(lang="en")))
    assert "No officer has opened your record." in other_page
    assert "Public Prosecution" not in other_page


def test_a_civil_affairs_case_asks_why_before_showing_the_holder(
        app, make_account, make_person, sms_outbox):
    holder, made, child = mother_applies(app, make_account, make_person, sms_outbox)
    console = officer_console(app)
    url = f"/en/staff/civil-affairs/{made.number}"
    first = console.client.get(url)
    shown = text_of(first)
    assert first.status_code == 200 and "Why are you opening this holder's record?" in shown
    assert holder.account.national_id not in shown and child not in shown
    assert looks_at(app, holder.account.national_id) == []
    # Refusing before opening shows nothing either: back to the question.
    response = decide(console, made.number, approve=False, reason="")
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    wrong = console.client.post(url, data={"csrf_token": csrf_of(first), "look_reason": "x"})
    assert wrong.status_code == 422 and child not in text_of(wrong)
    opened = console.client.post(url, data={"csrf_token": csrf_of(first),
                                            "look_reason": "deciding_request"})
    assert opened.status_code == 303
    case = text_of(console.client.get(url))
    assert holder.account.national_id in case and "Approve the request" in case
    # Once opened, the case shows again in the same session without asking again.
    assert "Approve the request" in text_of(console.client.get(url))
    [look] = looks_at(app, holder.account.national_id)
    assert (look.role, look.reason, look.office) == ("civil_affairs", "deciding_request",
                                                     "Riyadh Civil Affairs")
    page = text_of(holder.client.get(LOOKS.format(lang="en")))
    assert "Civil Affairs officer" in page and "To decide a request the holder made" in page
    assert "Hanan" not in page and "h.alqahtani" not in page


def test_a_new_officer_session_asks_again(app, make_account, make_person, sms_outbox):
    _holder, made, _child = mother_applies(app, make_account, make_person, sms_outbox)
    console = officer_console(app)
    console.open_case(f"civil-affairs/{made.number}")
    token = csrf_of(console.client.get("/en/staff/civil-affairs"))
    assert console.client.post("/en/staff/sign-out",
                               data={"csrf_token": token}).status_code == 303
    console.sign_in()
    again = text_of(console.client.get(f"/en/staff/civil-affairs/{made.number}"))
    assert "Why are you opening this holder's record?" in again


def test_the_holders_page_goes_back_a_page_at_a_time_in_both_languages(app, active_holder):
    officer = add_officer(app)
    start = utcnow() - timedelta(days=40)
    with app.app_context():
        staff = db.session.get(StaffUser, officer.id)
        for day in range(25):
            staff_looks.record(db.session, staff=staff,
                               person_national_id=active_holder.account.national_id,
                               reason=staff_looks.Reason("holder_at_office"),
                               now=start + timedelta(days=day))
        db.session.commit()
    first = parse(active_holder.client.get(LOOKS.format(lang="en")))
    assert len(first.select("main tbody tr")) == staff_looks.PAGE_SIZE
    older = first.find("a", string="Older entries")["href"]
    second = parse(active_holder.client.get(older))
    assert len(second.select("main tbody tr")) == 5
    assert second.find("a", string="Older entries") is None
    arabic = active_holder.client.get(LOOKS.format(lang="ar"))
    page = parse(arabic)
    assert page.html["lang"] == "ar" and page.html["dir"] == "rtl"
    assert len(page.select("main tbody tr")) == staff_looks.PAGE_SIZE
    assert active_holder.client.get(LOOKS.format(lang="en") + "?before=%00%ff").status_code \
        == 200


def test_signed_out_visitors_go_to_sign_in(client):
    assert client.get(LOOKS.format(lang="en")).status_code in (302, 303)
