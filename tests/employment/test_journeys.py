"""Absher Employment end to end: the search, an opening, applying and every refusal, My job
applications, the recruiter's decisions and the holder's texts, withdrawing."""

from __future__ import annotations

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import AuditEvent, RequestStatus, SmsMessage, StaffLook
from tests.account.conftest import csrf_of
from tests.employment.conftest import (
    CLOSED,
    EVERYONE,
    OPEN,
    PDF,
    YOUNG,
    add_openings,
    applications,
    entry,
    recruiter,
    rows,
    the_application,
)
from tests.files.conftest import pdf_with_object_stream, png


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_the_search_lists_open_openings_and_filters_them(client, openings):
    page = text_of(client.get("/en/jobs"))
    assert OPEN in page and EVERYONE in page and YOUNG in page and CLOSED not in page
    assert CLOSED in text_of(client.get("/en/jobs?closed=y"))
    only = text_of(client.get("/en/jobs?sector=headquarters"))
    assert EVERYONE in only and OPEN not in only
    assert EVERYONE in text_of(client.get("/en/jobs?region=eastern&qualification=doctorate"))
    assert EVERYONE in text_of(client.get("/en/jobs?q=PHYSICIAN"))
    assert EVERYONE in text_of(client.get("/ar/jobs?q=" + "طبيب"))
    none = client.get("/en/jobs?q=astronaut")
    assert none.status_code == 200 and "No opening matches" in text_of(none)


def test_the_search_pages_keep_the_filters(app, client):
    add_openings(app, *[entry(f"MOI-P-{index:04d}", days=index + 1) for index in range(45)])
    first = text_of(client.get("/en/jobs?sector=public_security"))
    assert "MOI-P-0000" in first and "MOI-P-0020" not in first
    assert "page=2" in first and "sector=public_security" in first
    third = text_of(client.get("/en/jobs?sector=public_security&page=3"))
    assert "MOI-P-0044" in third and "More openings" not in third


def test_hostile_query_strings_get_a_message(client, openings):
    for query in ("q=" + "x" * 500, "sector=nope", "region=%00", "page=0", "page=99999999",
                  "page=-1", "q=%E2%80%AE", "qualification=bachelor&qualification=%00",
                  "q=%25%25_%5C"):
        response = client.get(f"/en/jobs?{query}")
        assert response.status_code in (200, 422), query
    assert client.get("/en/jobs?sector=nope").status_code == 422
    assert "Choose one of the list" in text_of(client.get("/en/jobs?sector=nope"))
    assert client.get("/en/jobs?q=%25").status_code == 200
    assert OPEN not in text_of(client.get("/en/jobs?q=%25"))  # % is a character, not a wildcard


def test_an_opening_shows_its_conditions(client, openings):
    page = text_of(client.get(f"/en/jobs/{OPEN}"))
    assert "Aged from 18 to 40 years on the closing date." in page
    assert "Saudi nationality." in page
    assert client.get("/en/jobs/NOPE-0000").status_code == 404
    assert client.get("/en/jobs/%00").status_code == 404


def test_applying_sends_the_registry_data_and_the_recruiter_shortlists(app, applicant):
    form = text_of(applicant.client.get(f"/en/account/jobs/{OPEN}/apply"))
    assert applicant.account.national_id in form
    response = applicant.apply()
    assert response.status_code == 303
    made = the_application(app)
    assert made.status is RequestStatus.SUBMITTED
    assert made.details["opening"] == OPEN and made.details["birth_date"]
    mine = text_of(applicant.client.get("/en/account/jobs"))
    assert made.number in mine and "Sent, waiting for a recruiter" in mine
    console = recruiter(app)
    assert OPEN in text_of(console.client.get("/en/staff/recruitment"))
    assert made.number in text_of(console.client.get(f"/en/staff/recruitment/openings/{OPEN}"))
    url = f"/en/staff/recruitment/applications/{made.number}"
    asked = console.client.get(url)
    assert asked.status_code == 200 and applicant.account.national_id not in text_of(asked)
    page = console.open_case(f"recruitment/applications/{made.number}")
    assert page.status_code == 200 and applicant.account.national_id in text_of(page)
    assert console.client.post(url + "/shortlist",
                               data={"csrf_token": csrf_of(page)}).status_code == 303
    assert the_application(app).status is RequestStatus.APPROVED
    assert "Shortlisted" in text_of(applicant.client.get("/en/account/jobs"))
    # My requests names the state in the service's own word, not "Approved".
    requests_page = text_of(applicant.client.get("/en/account/requests"))
    assert "Shortlisted" in requests_page and "Approved" not in requests_page
    with app.app_context():
        texts = list(db.session.scalars(select(SmsMessage).where(
            SmsMessage.purpose == "job_application_notice")))
        assert len(texts) == 1 and "shortlisted" in texts[0].body
        audit = db.session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "job_application_decided")).one()
        assert audit.staff_user_id == console.officer.id
        assert audit.detail["recruiter"] == console.officer.full_name
        look = db.session.scalars(select(StaffLook)).one()
        assert look.person_id == applicant.account.national_id and look.role == "recruiter"


def test_a_declined_application_shows_the_reason_in_arabic_texts(app, make_account,
                                                                 sms_outbox, openings):
    from absher_web.models import ActivationState
    from tests.employment.conftest import Applicant
    account = make_account(state=ActivationState.ACTIVE, language="ar")
    arabic = Applicant(app.test_client(), account, sms_outbox)
    arabic.sign_in()
    assert arabic.apply().status_code == 303
    made = the_application(app)
    console = recruiter(app)
    url = f"/en/staff/recruitment/applications/{made.number}"
    token = csrf_of(console.open_case(f"recruitment/applications/{made.number}"))
    assert console.client.post(url + "/decline", data={"csrf_token": token,
                                                       "reason": ""}).status_code == 422
    assert console.client.post(url + "/decline", data={
        "csrf_token": token, "reason": "Other applicants fit better."}).status_code == 303
    assert the_application(app).status is RequestStatus.REFUSED
    mine = text_of(arabic.client.get("/ar/account/jobs"))
    assert "Other applicants fit better." in mine
    with app.app_context():
        text = db.session.scalars(select(SmsMessage).where(
            SmsMessage.purpose == "job_application_notice")).one()
        assert "أبشر" in text.body


def test_refusals_closed_twice_age_nationality_qualification(app, applicant, resident):
    assert applicant.apply(CLOSED).status_code == 409
    assert "closed on" in text_of(applicant.client.get(f"/en/account/jobs/{CLOSED}/apply"))
    assert applicant.apply(YOUNG).status_code == 409
    assert "aged at most 25" in text_of(applicant.client.get(f"/en/account/jobs/{YOUNG}/apply"))
    assert resident.apply(OPEN).status_code == 409
    assert "Saudi nationals only" in text_of(
        resident.client.get(f"/en/account/jobs/{OPEN}/apply"))
    assert resident.apply(EVERYONE, "doctorate").status_code == 303
    low = applicant.apply(EVERYONE, "bachelor")
    assert low.status_code == 422 and "asks for at least" in text_of(low)
    assert applicant.apply(OPEN).status_code == 303
    again = applicant.apply(OPEN)
    assert again.status_code == 409 and "already applied" in text_of(again)
    assert len(applications(app)) == 2 and rows(app) == 2


def test_hostile_application_forms_get_a_message(app, applicant):
    for value in ("", "phd", "\x00", "bachelor\u202e", "x" * 10000):
        response = applicant.apply(qualification=value)
        assert response.status_code == 422, value
    for cv in ((b"", ""), (png(), "cv.pdf"), (b"%PDF-1.4 broken", "cv.pdf"),
               (PDF, "../../etc/passwd"), (pdf_with_object_stream(b"/OpenAction 4 0 R"),
                                           "cv.pdf")):
        response = applicant.apply(cv=cv)
        if cv[1] == "../../etc/passwd":
            assert response.status_code == 303  # the name is never a path
            applicant.withdraw(the_application(app).number)
            continue
        assert response.status_code == 422, cv[1]
        assert 'id="cv-error"' in text_of(response)
    assert [a.status for a in applications(app)] == [RequestStatus.CANCELLED]


def test_the_cv_goes_to_the_holder_and_recruiters_only(app, applicant, make_account,
                                                       sms_outbox):
    applicant.apply()
    made = the_application(app)
    with app.app_context():
        from absher_web.models import JobApplication
        cv = db.session.scalars(select(JobApplication.cv_file)).one()
    own = applicant.client.get(f"/en/account/files/{cv}")
    assert own.status_code == 200 and own.data.startswith(b"%PDF")
    assert f"/en/account/files/{cv}" in text_of(applicant.client.get("/en/account/jobs"))
    console = recruiter(app)
    page = text_of(console.open_case(f"recruitment/applications/{made.number}"))
    assert f"/en/staff/files/{cv}" in page
    download = console.client.get(f"/en/staff/files/{cv}")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    other = recruiter(app, "passports.only", roles=("passports",))
    assert other.client.get(f"/en/staff/files/{cv}").status_code in (403, 404)
    from absher_web.models import ActivationState
    from tests.employment.conftest import Applicant
    stranger = Applicant(app.test_client(), make_account(state=ActivationState.ACTIVE),
                         sms_outbox)
    stranger.sign_in()
    assert stranger.client.get(f"/en/account/files/{cv}").status_code == 404


def test_withdrawn_application_may_be_sent_again(app, applicant):
    applicant.apply()
    made = the_application(app)
    assert applicant.withdraw(made.number).status_code == 303
    assert applications(app)[0].status is RequestStatus.CANCELLED
    assert "Withdrawn by you" in text_of(applicant.client.get("/en/account/jobs"))
    assert applicant.apply().status_code == 303
    assert len(applications(app)) == 2


def test_an_inactive_account_is_told_to_activate(app, client, make_account, sms_outbox,
                                                 openings):
    from tests.employment.conftest import Applicant
    waiting = Applicant(client, make_account(), sms_outbox)
    waiting.sign_in()
    page = client.get(f"/en/account/jobs/{OPEN}/apply")
    assert page.status_code == 200 and "Once your account is activated" in text_of(page)


def test_signed_out_visitors_go_to_sign_in(client, openings):
    assert client.get(f"/en/account/jobs/{OPEN}/apply").status_code in (302, 303)
    assert client.get("/en/account/jobs").status_code in (302, 303)
