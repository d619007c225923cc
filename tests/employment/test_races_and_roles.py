"""Absher Employment under concurrency and behind its role, on both databases: many
submits of one application, many recruiters deciding at once, a withdrawal against a
decision (each has exactly one effect); every other role, and citizens, get 403 or the
officers' sign-in on the recruiters' pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import AuditEvent, RequestStatus, SmsMessage
from absher_web.services import staff
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.account.conftest import csrf_of
from tests.employment.conftest import OPEN, applications, recruiter, rows, the_application


def count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)
                                 .where(*conditions)) or 0


def test_thirty_submits_at_once_make_one_application(app, applicant):
    open_limits(app)
    tabs = same_browser(app, applicant.client, 30)
    tokens = [csrf_of(tab.get(f"/en/account/jobs/{OPEN}/apply")) for tab in tabs]
    results = at_once([(lambda tab=tab, token=token: applicant.apply(client=tab, token=token)
                        .status_code) for tab, token in zip(tabs, tokens, strict=True)])
    assert results.count(303) == 1 and results.count(409) == 29, results
    the_application(app)
    assert rows(app) == 1
    assert count(app, AuditEvent, AuditEvent.kind == "request_submitted") == 1


def test_twenty_recruiter_decisions_at_once_make_one(app, applicant):
    open_limits(app)
    applicant.apply()
    made = the_application(app)
    consoles = [recruiter(app, f"recruiter{index}") for index in range(4)]
    url = f"/en/staff/recruitment/applications/{made.number}"
    jobs = []
    pages = {id(console): csrf_of(console.open_case(url.removeprefix("/en/staff/")))
             for console in consoles}
    for index in range(20):
        console = consoles[index % 4]
        token = pages[id(console)]
        if index % 2:
            jobs.append(lambda c=console, t=token: c.client.post(
                url + "/shortlist", data={"csrf_token": t}).status_code)
        else:
            jobs.append(lambda c=console, t=token: c.client.post(
                url + "/decline", data={"csrf_token": t, "reason": "Not this time."})
                .status_code)
    assert set(at_once(jobs)) == {303}
    assert the_application(app).status in (RequestStatus.APPROVED, RequestStatus.REFUSED)
    assert count(app, AuditEvent, AuditEvent.kind == "job_application_decided") == 1
    assert count(app, SmsMessage, SmsMessage.purpose == "job_application_notice") == 1


def test_a_withdrawal_and_a_shortlisting_at_once_one_wins(app, applicant):
    open_limits(app)
    applicant.apply()
    made = the_application(app)
    console = recruiter(app)
    url = f"/en/staff/recruitment/applications/{made.number}"
    withdraw_url = f"/en/account/requests/{made.number}/withdraw"
    officer_token = csrf_of(console.open_case(url.removeprefix("/en/staff/")))
    holder_token = csrf_of(applicant.client.get(withdraw_url))
    jobs = [(lambda tab=tab: tab.post(url + "/shortlist", data={"csrf_token": officer_token})
             .status_code) for tab in same_browser(app, console.client, 10)]
    jobs += [(lambda tab=tab: tab.post(withdraw_url, data={"csrf_token": holder_token})
              .status_code) for tab in same_browser(app, applicant.client, 10)]
    assert set(at_once(jobs)) <= {303, 200}
    assert applications(app)[0].status in (RequestStatus.APPROVED, RequestStatus.CANCELLED)
    assert count(app, AuditEvent, AuditEvent.kind.in_(
        ("request_approved", "request_cancelled"))) == 1


@pytest.mark.parametrize("role", [role for role in staff.ROLES if role != staff.RECRUITER])
def test_every_other_role_gets_403(app, applicant, role):
    applicant.apply()
    made = the_application(app)
    if role in staff.CITY_ROLES:  # an officer of these roles needs a city
        from tests.staff.test_civil_affairs import officer_console
        console = officer_console(app, f"other.{role}", (role,), "Riyadh")
    else:
        console = recruiter(app, f"other.{role}", roles=(role,))
    base = "/en/staff/recruitment"
    for path in ("", f"/openings/{OPEN}", f"/applications/{made.number}"):
        assert console.client.get(base + path).status_code == 403, path
    token = csrf_of(console.client.get("/en/staff/sign-in", follow_redirects=True))
    for path in ("", "/shortlist", "/decline"):
        response = console.client.post(f"{base}/applications/{made.number}{path}",
                                       data={"csrf_token": token, "reason": "x"})
        assert response.status_code == 403
    assert the_application(app).status is RequestStatus.SUBMITTED


def test_citizens_and_visitors_never_reach_the_recruiters(app, applicant, client):
    applicant.apply()
    made = the_application(app)
    for path in ("", f"/openings/{OPEN}", f"/applications/{made.number}"):
        response = applicant.client.get("/en/staff/recruitment" + path)
        assert response.status_code in (303, 403), path
        assert "/staff/sign-in" in response.headers.get("Location", "/staff/sign-in")
    response = applicant.client.post(f"/en/staff/recruitment/applications/{made.number}"
                                     "/shortlist", data={"csrf_token": applicant.token()})
    assert response.status_code in (303, 400, 403)
    assert the_application(app).status is RequestStatus.SUBMITTED


def test_recruiter_pages_are_not_cached_and_unknown_numbers_are_404(app, applicant):
    console = recruiter(app)
    assert console.client.get("/en/staff/recruitment").headers["Cache-Control"] == "no-store"
    assert console.client.get("/en/staff/recruitment/applications/123").status_code == 404
    assert console.client.get("/en/staff/recruitment/openings/%00").status_code == 404
