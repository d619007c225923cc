"""Tahseen: a holder sends a ticket and gets its number at once; a Civil Affairs officer of
their city answers it (or closes it saying why), audited with the officer, texted in the
holder's language; the holder reads the answer under My tickets. Another holder's ticket is
404, another city's or role's officer 403; hostile text gets a message, never a 500; the open
tickets are capped; retention and the export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from absher_web.extensions import db
from absher_web.models import Account, AuditEvent, TicketStatus, Upload, utcnow
from absher_web.services import retention, tahseen
from absher_web.services.retention import RetentionPolicy
from tests.account.conftest import csrf_of
from tests.files.conftest import png
from tests.pages import parse
from tests.tahseen.conftest import PAGE, Holder, answer, officer_console, ticket, tickets


def text_of(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


def test_a_visitor_reads_what_tahseen_is_and_is_asked_to_sign_in(client):
    for lang in ("en", "ar"):
        response = client.get(PAGE.format(lang=lang))
        assert response.status_code == 200
        assert parse(response).find("a", href=f"/{lang}/individuals/login") is not None
    assert "Civil Affairs" in text_of(client.get(PAGE.format(lang="en")))
    for path in ("/tickets", "/tickets/123456789015"):
        assert client.get(PAGE.format(lang="en") + path).status_code in (302, 303)


def test_the_catalogue_links_tahseen_and_investor_services(client):
    page = parse(client.get("/en/services"))
    assert page.find("a", href="/en/account/tahseen") is not None
    assert page.find("a", href="/en/account/investor") is not None


def test_a_ticket_is_answered_and_the_holder_reads_it(app, holder):
    made = holder.sent()
    assert tahseen.is_number(made.number) and made.status is TicketStatus.OPEN
    assert made.office_city == "الرياض"
    page = holder.client.get(f"/en/account/tahseen/tickets/{made.number}")
    assert made.number in text_of(page) and "Your ticket is sent" in text_of(page)
    assert "Waiting for an answer" in text_of(holder.client.get("/en/account/tahseen/tickets"))

    console = officer_console(app)
    queue = text_of(console.client.get("/en/staff/tahseen"))
    assert made.number in queue
    assert "three weeks" in text_of(console.client.get(f"/en/staff/tahseen/{made.number}"))
    response = answer(console, made.number)
    assert response.status_code == 303
    assert "is answered" in text_of(console.client.get("/en/staff/tahseen"))

    answered = ticket(app, made.number)
    assert answered.status is TicketStatus.ANSWERED
    assert answered.answered_by == console.officer.id
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.kind == tahseen.AUDIT_ANSWERED)).one()
        assert event.staff_user_id == console.officer.id
        assert event.account_id == holder.account.id
        assert event.detail["officer_name"] == "Hanan Alqahtani"
    texts = [m for m in holder.sms_outbox.messages() if m["to"] == holder.account.mobile
             and made.number in m["body"]]
    assert len(texts) == 1 and "answered your Tahseen ticket" in texts[0]["body"]
    mine = text_of(holder.client.get(f"/en/account/tahseen/tickets/{made.number}"))
    assert "Collect it tomorrow" in mine and "Answered" in mine
    # The officer sees who answered; no second answer.
    again = text_of(console.client.get(f"/en/staff/tahseen/{made.number}"))
    assert "By Hanan Alqahtani" in again
    assert answer(console, made.number, "Again").status_code == 303
    assert "was answered by another officer" in text_of(console.client.get("/en/staff/tahseen"))
    assert ticket(app, made.number).answer.startswith("Collect it tomorrow")


def test_the_sms_is_in_the_holders_language(app, client, make_account, sms_outbox):
    arabic = Holder(client, make_account(language="ar"), sms_outbox, lang="ar")
    arabic.sign_in()
    made = arabic.sent()
    answer(officer_console(app), made.number, outcome="close",
           text="Duplicate of your earlier ticket.")
    assert ticket(app, made.number).status is TicketStatus.CLOSED
    body = [m["body"] for m in sms_outbox.messages() if made.number in m["body"]][0]
    assert "تحسين" in body
    assert "Duplicate of your" in text_of(
        arabic.client.get(f"/ar/account/tahseen/tickets/{made.number}"))


def test_an_answer_is_required_and_checked(app, holder):
    made = holder.sent()
    console = officer_console(app)
    for text in ("", "   ", "x" * (tahseen.TEXT_MAX + 1), "bad \x00 byte", "\u202eevil"):
        response = answer(console, made.number, text)
        assert response.status_code == 422, text
        assert parse(response).select(".error-message")
    assert answer(console, made.number, outcome="maybe").status_code == 422
    assert ticket(app, made.number).status is TicketStatus.OPEN


@pytest.mark.parametrize("changes", [
    {"kind": ""}, {"kind": "praise"}, {"topic": ""}, {"topic": "../etc"}, {"text": ""},
    {"text": "x" * (tahseen.TEXT_MAX + 1)}, {"text": "null \x00 inside"},
    {"text": "bidi \u202e override"}, {"kind": "x" * 10_000}, {"topic": "\u0000"},
])
def test_hostile_tickets_get_a_message_never_a_500(app, holder, changes):
    response = holder.send(**changes)
    assert response.status_code == 422
    assert parse(response).select(".error-message")
    assert tickets(app) == []


def test_repeated_fields_and_arabic_text_are_taken_once(app, holder):
    response = holder.client.post("/en/account/tahseen", data=MultiDict([
        ("csrf_token", holder.token()), ("kind", "question"), ("kind", "complaint"),
        ("topic", "births"), ("text", "متى تصدر شهادة الميلاد؟\r\nشكرًا")]))
    assert response.status_code == 303
    made = tickets(app)[0]
    assert made.kind.value == "question" and made.text == "متى تصدر شهادة الميلاد؟\nشكرًا"


def test_open_tickets_are_capped_with_a_clear_message(app, holder):
    app.config["TAHSEEN_OPEN_MAX"] = 2
    first = holder.sent()
    holder.sent()
    response = holder.send()
    assert response.status_code == 409
    assert "2 tickets waiting for an answer" in text_of(response)
    # Withdrawing one frees a place.
    url = f"/en/account/tahseen/tickets/{first.number}"
    assert holder.client.post(url + "/withdraw",
                              data={"csrf_token": csrf_of(holder.client.get(url))}
                              ).status_code == 303
    assert "The ticket is withdrawn" in text_of(holder.client.get(url))
    assert ticket(app, first.number).status is TicketStatus.WITHDRAWN
    assert holder.send().status_code == 303


def test_another_holder_sees_nothing_of_a_ticket(app, holder, client, make_account,
                                                 sms_outbox):
    made = holder.sent()
    other = Holder(app.test_client(), make_account(), sms_outbox)
    other.sign_in()
    url = f"/en/account/tahseen/tickets/{made.number}"
    assert other.client.get(url).status_code == 404
    token = csrf_of(other.client.get("/en/account/"))
    assert other.client.post(url + "/withdraw", data={"csrf_token": token}).status_code == 404
    assert made.number not in other.client.get("/en/account/tahseen/tickets").get_data(
        as_text=True)
    for number in ("123456789015", "1" * 12, "abc", "1" * 300):
        assert other.client.get(f"/en/account/tahseen/tickets/{number}").status_code == 404
    assert ticket(app, made.number).status is TicketStatus.OPEN


def test_only_civil_affairs_officers_of_the_city_answer(app, holder, client):
    made = holder.sent()
    url = f"/en/staff/tahseen/{made.number}"
    passports = officer_console(app, "p.officer", roles=("passports",), city=None)
    assert passports.client.get("/en/staff/tahseen").status_code == 403
    assert passports.client.get(url).status_code == 403
    assert passports.client.post(url + "/answer", data={"text": "x"}).status_code in (400, 403)
    jeddah = officer_console(app, "j.officer", city="Jeddah")
    assert made.number not in jeddah.client.get("/en/staff/tahseen").get_data(as_text=True)
    assert jeddah.client.get(url).status_code == 403
    token = csrf_of(jeddah.client.get("/en/staff/tahseen"))
    assert jeddah.client.post(url + "/answer", data={
        "csrf_token": token, "outcome": "answer", "text": "x"}).status_code == 403
    riyadh = officer_console(app)
    assert riyadh.client.get("/en/staff/tahseen/123456789015").status_code == 404
    # A citizen never reaches the console; the console's visitor signs in first.
    assert holder.client.get("/en/staff/tahseen").status_code in (302, 303, 403)
    assert app.test_client().get(url).status_code in (302, 303)
    assert ticket(app, made.number).status is TicketStatus.OPEN


def test_ended_tickets_are_purged_open_ones_kept(app, holder):
    kept, gone = holder.sent(), holder.sent()
    answer(officer_console(app), gone.number)
    policy = RetentionPolicy.from_config(app.config)
    later = utcnow() + policy.eservice_records + timedelta(days=1)
    with app.app_context():
        condition = [rule for rule in retention.rules(policy, later)
                     if rule[0] == "ended Tahseen tickets"][0]
        removed = retention.delete_in_batches(db.transaction, condition[1], condition[2])
    assert removed == 1
    assert [t.number for t in tickets(app)] == [kept.number]


def test_the_export_lists_the_holders_tickets(app, holder):
    made = holder.sent()
    with app.test_request_context("/en/"):
        account = db.session.get(Account, holder.account.id)
        exported = tahseen.for_export(db.session, account)
    assert exported == [{
        "section": "tahseen_tickets", "number": made.number, "kind": "complaint",
        "kind_name": "Complaint", "topic": "national_id", "topic_name": "National ID card",
        "text": made.text, "status": "open", "status_name": "Waiting for an answer",
        "office_city": "الرياض", "answer": None, "answered_at": None,
        "attachments": [], "sent_at": made.created_at.isoformat(),
        "changed_at": made.changed_at.isoformat()}]


def test_a_photo_goes_with_the_ticket_to_the_officers_of_its_purpose(app, holder):
    response = holder.send(attachment=(io.BytesIO(png()), "../../etc/ID card.png"))
    assert response.status_code == 303, text_of(response)
    made = ticket(app, response.headers["Location"].rsplit("/", 1)[1])
    page = parse(holder.client.get(f"/en/account/tahseen/tickets/{made.number}"))
    link = page.select_one('a[href^="/en/account/files/"]')
    assert link is not None and "ID card" in link.get_text()
    download = holder.client.get(link["href"])
    assert download.status_code == 200 and download.mimetype == "image/png"
    public_id = link["href"].rsplit("/", 1)[1]
    console = officer_console(app)
    staff_page = parse(console.client.get(f"/en/staff/tahseen/{made.number}"))
    assert staff_page.select_one(f'a[href="/en/staff/files/{public_id}"]') is not None
    assert console.client.get(f"/en/staff/files/{public_id}").status_code == 200
    other = officer_console(app, "p.officer", roles=("passports",), city=None)
    assert other.client.get(f"/en/staff/files/{public_id}").status_code == 404
    # Once the ended ticket is purged, so is its file.
    answer(console, made.number)
    policy = RetentionPolicy.from_config(app.config)
    later = utcnow() + policy.eservice_records + timedelta(days=1)
    with app.app_context():
        for what, model, condition in retention.rules(policy, later):
            if "Tahseen" in what:
                retention.delete_in_batches(db.transaction, model, condition)
        assert db.session.scalar(select(func.count()).select_from(Upload)) == 0
    assert tickets(app) == []


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_beside_the_field(app, holder):
    response = holder.send(attachment=(io.BytesIO(b"MZ\x90\x00 not a picture"), "x.png"))
    assert response.status_code == 422
    assert parse(response).select_one("#attachment-error") is not None
    assert tickets(app) == []
    response = holder.send(attachment=[(io.BytesIO(png()), "a.png"),
                                       (io.BytesIO(png()), "b.png")])
    assert response.status_code == 422 and tickets(app) == []


def test_operators_see_which_cities_have_tickets_and_no_officer(app, holder):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["absher", "waiting-tickets"])
    assert result.exit_code == 0 and "No Tahseen ticket is waiting" in result.output
    holder.sent()
    result = runner.invoke(args=["absher", "waiting-tickets"])
    assert result.exit_code == 1 and "الرياض" in result.output and "none" in result.output
    officer_console(app)
    result = runner.invoke(args=["absher", "waiting-tickets"])
    assert result.exit_code == 0, result.output
    assert "الرياض" in result.output and " 1 " in f" {result.output} "


def test_the_queues_count_stops_past_its_cap(app, holder):
    """A city's open tickets are counted up to the cap and one more, never all of them."""
    app.config["TAHSEEN_OPEN_MAX"] = 5
    city = holder.sent().office_city
    holder.sent()
    holder.sent()
    with app.app_context():
        assert tahseen.waiting_count(db.session, city) == 3
        assert tahseen.waiting_count(db.session, city, cap=1) == 2
