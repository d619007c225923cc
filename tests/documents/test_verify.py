"""/verify and the printable page, on payment receipts (the simplest document to issue):
genuine and valid, no longer valid (refunded), unknown and forged alike, typed any way, the
QR code leading to the configured origin, rate-limited, hostile input, no session."""

from __future__ import annotations

import re
from datetime import date

import pytest
import segno
from sqlalchemy import event

from absher_web.extensions import db
from absher_web.services import bills
from absher_web.services import issued_documents as docs
from tests.documents.helpers import (
    answer_of,
    assert_verifies_as_printed,
    documents_of,
    facts_shown,
    printable,
    text_of,
    the_document,
    verify,
)
from tests.pages import parse
from tests.payments.payments_pages import add_bank, issue, pay, refund, signed_in_holder

UNKNOWN_WORDS = "We cannot confirm this document"


@pytest.fixture
def holder(client, make_account, sms_outbox):
    return signed_in_holder(client, make_account, sms_outbox)


@pytest.fixture
def anyone(app):
    return app.test_client()


@pytest.fixture
def paid(app, holder):
    add_bank(app, "RJHI", "Al Rajhi Bank")
    bill = issue(app, holder.account, amount=123450, vat=16102)
    assert pay(app, bill, reference="RJ-2026-000917") is bills.Outcome.PAID
    return bill, the_document(app, docs.Kind.PAYMENT)


def test_a_paid_bill_gets_a_signed_number_and_verifies_as_printed(app, holder, anyone, paid):
    bill, document = paid
    assert docs.well_signed(document.number, docs.signing_keys(app.config))
    assert document.account_id == holder.account.id and document.source == str(bill.id)
    assert_verifies_as_printed(holder.client, anyone, document.number)
    shown = dict(facts_shown(verify(anyone, document.number)))
    assert shown["Bill number"] == bill.number and shown["Amount"] == "1,234.50 SAR"
    assert shown["Document number"] == docs.grouped(document.number)
    # Nothing the document does not show: no name, no mobile, no bank name.
    page = text_of(parse(verify(anyone, document.number)).main)
    assert holder.account.mobile not in page and "Sarah" not in page
    assert "Al Rajhi" not in page


def test_the_holders_documents_list_links_to_the_printable_page(holder, paid):
    _bill, document = paid
    page = parse(holder.client.get("/en/account/documents"))
    link = page.select_one(f'a[href="/en/account/documents/issued/{document.number}"]')
    assert link is not None and text_of(link) == "Payment receipt"


def test_the_receipt_links_to_its_document(holder, paid):
    bill, document = paid
    page = parse(holder.get(f"/{bill.number}/receipt"))
    assert page.select_one(f'a[href="/en/account/documents/issued/{document.number}"]')


def test_a_refunded_payment_is_genuine_but_no_longer_valid(app, anyone, paid):
    bill, document = paid
    refund(app, bill)
    for lang, words in (("en", "The payment was refunded."), ("ar", "أعيد المبلغ المدفوع.")):
        response = verify(anyone, document.number, lang)
        assert response.status_code == 200 and answer_of(response) == "lapsed"
        assert words in text_of(parse(response).main)


def unknown_but_well_signed(app) -> str:
    return docs.new_number(docs.signing_keys(app.config))


def tampered(number: str) -> str:
    return number[:15] + str((int(number[15]) + 1) % 10)


def test_tampered_random_and_unknown_numbers_answer_alike(app, anyone, paid):
    _bill, document = paid
    answers = []
    for number in (tampered(document.number), "1111222233334444", unknown_but_well_signed(app),
                   tampered(document.number)[:10] + "000000"):
        for response in (verify(anyone, number),
                         anyone.get("/en/verify", query_string={"number": number})):
            main = parse(response).main
            form = main.find("form")
            form.decompose()
            answers.append((response.status_code, answer_of(response), text_of(main)))
    assert len(set(answers)) == 1, answers
    assert answers[0][:2] == (200, "unknown") and UNKNOWN_WORDS in answers[0][2]


def test_a_forged_number_costs_the_same_lookup_as_an_unknown_one(app, paid):
    """Same timing class: the signature is checked, then one indexed lookup, whatever."""
    _bill, document = paid
    statements = []
    with app.app_context():
        engine = db.engine

        def count(_conn, _cursor, statement, *_args):
            if "issued_documents" in statement:
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            for number in (tampered(document.number), unknown_but_well_signed(app)):
                statements.clear()
                assert docs.check(db.session, number, date.today()) is None
                assert len(statements) == 1
        finally:
            event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("typed", [
    "{spaced}", "{dashed}", "{arabic}", "https://anywhere.example/en/verify/{plain}"])
def test_the_form_reads_the_number_however_it_is_typed(anyone, paid, typed):
    _bill, document = paid
    plain = document.number
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in plain)
    typed = typed.format(spaced=docs.grouped(plain), dashed=docs.grouped(plain).replace(" ", "-"),
                         arabic=arabic, plain=plain)
    response = anyone.get("/ar/verify", query_string={"number": typed})
    assert response.status_code == 200 and answer_of(response) == "valid"
    assert answer_of(verify(anyone, docs.grouped(plain).replace(" ", "-"))) == "valid"


def test_the_qr_code_leads_to_the_configured_origin_never_the_requests_host(app, holder,
                                                                            paid):
    _bill, document = paid
    app.config["PUBLIC_ORIGIN"] = "https://www.absher.example.sa"
    response = printable(holder.client, document.number, "ar")
    svg = parse(response).select_one("svg.qr")
    assert svg is not None and svg.get("role") == "img" and svg.get("aria-label")
    assert not [tag for tag in svg.find_all(True) if tag.has_attr("style")] \
        and not svg.has_attr("style")
    expected = f"https://www.absher.example.sa/ar/verify/{document.number}"
    qr = segno.make(expected, error="m")
    assert modules_of(svg) == dark_modules(qr)


def dark_modules(qr) -> set[tuple[int, int]]:
    return {(x + 4, y + 4) for y, row in enumerate(qr.matrix) for x, bit in enumerate(row)
            if bit}


def modules_of(svg) -> set[tuple[int, int]]:
    """The dark modules drawn by the SVG path (segno's 'M x y.5 h n m dx dy' moves)."""
    path = svg.select_one("path")["d"]
    dark, x, y = set(), 0.0, 0.0
    for command, numbers in re.findall(r"([MmHhVv])([^MmHhVv]*)", path):
        values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", numbers)]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        elif command == "h":
            for n in range(int(values[0])):
                dark.add((int(x) + n, int(y)))
            x += values[0]
    return dark


def test_the_printable_page_is_the_holders_only(app, holder, paid, make_account, sms_outbox,
                                                anyone):
    _bill, document = paid
    other = signed_in_holder(app.test_client(), make_account, sms_outbox)
    assert printable(other.client, document.number).status_code == 404
    assert printable(anyone, document.number).status_code in (302, 303)


def test_the_public_page_opens_no_session(app, anyone, paid):
    _bill, document = paid
    for response in (anyone.get("/en/verify"), verify(anyone, document.number),
                     anyone.get("/en/verify", query_string={"number": "nonsense"})):
        cookies = " ".join(response.headers.getlist("Set-Cookie"))
        assert app.config["SESSION_COOKIE_NAME"] not in cookies, cookies
    assert verify(anyone, document.number).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("typed", [
    "\x00", "1234\x005678\x0090123456", "\u202e" * 5, "9" * 5000, "<script>", "%ff%fe",
    "١٢٣", "1234567890123456\r\nSet-Cookie: x=1"])
def test_hostile_input_gets_a_message_next_to_the_field_never_a_500(anyone, typed):
    response = anyone.get("/en/verify", query_string={"number": typed})
    assert response.status_code == 422
    page = parse(response)
    assert page.select_one("#number-error") is not None
    assert "<script>" not in response.get_data(as_text=True).split("</header>", 1)[-1] \
        .replace("&lt;script&gt;", "")


def test_repeated_fields_and_invalid_utf8_are_answered(anyone):
    assert anyone.get("/en/verify?number=1&number=2").status_code == 422
    assert anyone.get("/en/verify?number=%ff%fe%00").status_code == 422
    assert anyone.get("/en/verify/%ff%fe").status_code == 422


def test_verify_is_rate_limited_with_a_translated_page(app, anyone):
    from absher_web.extensions import limiter

    app.config["RATELIMIT_VERIFY"] = "3 per minute"
    limiter.reset()
    try:
        codes = [anyone.get("/ar/verify", query_string={"number": "1111222233334444"},
                            environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = anyone.get("/ar/verify/1111222233334444",
                             environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert limited.status_code == 429 and parse(limited).html["lang"] == "ar"
        assert "Retry-After" in limited.headers
        # Another address is not held back.
        assert anyone.get("/ar/verify", environ_base={
            "REMOTE_ADDR": "203.0.113.10"}).status_code == 200
    finally:
        limiter.reset()


def test_a_payment_notice_repeated_issues_one_document(app, paid):
    bill, _document = paid
    assert pay(app, bill, reference="RJ-2026-000917") is not bills.Outcome.PAID
    assert len(documents_of(app)) == 1


def test_the_holders_export_lists_their_documents_json_safe(app, holder, paid):
    import json

    _bill, document = paid
    with app.test_request_context("/en/"):
        exported = docs.for_export(db.session, holder.account)
    assert json.loads(json.dumps(exported)) == exported
    [row] = exported
    assert row["number"] == docs.grouped(document.number) and row["title"] == "Payment receipt"
    amount = next(f for f in row["facts"] if f["label"] == "Amount")
    assert amount["value"] == 123450 and amount["display"] == "1,234.50 SAR"


def test_checks_are_counted_for_operators(app, anyone, paid):
    from absher_web.observability import DOCUMENT_CHECKS

    _bill, document = paid
    before = {answer: DOCUMENT_CHECKS.labels(answer)._value.get()
              for answer in ("valid", "unknown")}
    verify(anyone, document.number)
    verify(anyone, tampered(document.number))
    assert DOCUMENT_CHECKS.labels("valid")._value.get() == before["valid"] + 1
    assert DOCUMENT_CHECKS.labels("unknown")._value.get() == before["unknown"] + 1


def test_a_query_without_the_number_shows_the_form(anyone):
    response = anyone.get("/en/verify", query_string={"q": "x"})
    assert response.status_code == 200 and answer_of(response) is None
