"""`flask absher reconcile`: a bank's daily statement against the payments here. Every kind
of difference is reported, a clean statement passes, a hostile file is named line by line
(or refused whole) without a traceback, and nothing in the database changes."""

from __future__ import annotations

import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from absher_web.extensions import db
from absher_web.models import AuditEvent, Base, Bill, BillStatus
from absher_web.services import bills, reconciliation
from tests.payments.paid_bills import NOW, add_bank, issue, pay

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / \
    "statement-with-differences.csv"
HEADER = "bill,amount,reference,time\n"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def paid_bill(app, account, number: str, amount: int, reference: str, when: str,
              bank: str = "RJHI", issued: datetime = NOW) -> Bill:
    bill = issue(app, account, f"request-{number}", amount, now=issued)
    with app.app_context(), db.transaction() as session:
        session.execute(update(Bill).where(Bill.id == bill.id).values(number=number))
    bill.number = number
    return pay(app, bill, reference, bank=bank, at=at(when))


@pytest.fixture
def payments_here(app, make_account):
    """The payments recorded here that docs/samples/statement-with-differences.csv is
    compared with (its README example)."""
    add_bank(app, "RJHI")
    add_bank(app, "NCBK")
    account = make_account()
    paid_bill(app, account, "5010000010011", 15000, "RJ-1001", "2026-12-04T06:05:00+00:00")
    paid_bill(app, account, "5020000020027", 30000, "RJ-1002", "2026-12-04T07:10:00+00:00")
    paid_bill(app, account, "5030000030033", 10000, "RJ-1003", "2026-12-04T08:15:00+00:00")
    # 23:30 in Riyadh: still the statement's day, and missing from it.
    paid_bill(app, account, "5040000040049", 20000, "RJ-1004", "2026-12-04T20:30:00+00:00")
    paid_bill(app, account, "5050000050054", 15000, "RJ-1005", "2026-12-04T09:20:00+00:00")
    paid_bill(app, account, "5080000080082", 15000, "RJ-1008", "2026-12-04T12:35:00+00:00",
              bank="NCBK")
    refunded = paid_bill(app, account, "5090000090098", 10000, "RJ-1009",
                         "2026-12-04T13:40:00+00:00")
    with app.app_context(), db.transaction() as session:
        found = session.get(Bill, refunded.id)
        assert bills.cancel(session, found, NOW) is bills.Cancelled.REFUNDING
        assert bills.move(session, found, BillStatus.REFUNDING, BillStatus.REFUNDED, NOW)
    # Paid on other Riyadh days: not this statement's business.
    paid_bill(app, account, "5100000100100", 15000, "RJ-1010", "2026-12-04T21:30:00+00:00")
    paid_bill(app, account, "5110000110116", 15000, "RJ-1011", "2026-12-03T20:59:00+00:00",
              issued=NOW - timedelta(days=1))
    # Issued, never paid, expired.
    expired = issue(app, account, "request-expired", now=NOW - timedelta(days=5))
    with app.app_context():
        assert bills.expire_due(db.transaction, NOW) == 1
        db.session.execute(update(Bill).where(Bill.id == expired.id)
                           .values(number="5060000060060"))
        db.session.commit()
    return account


def reconcile(app, path: Path | str, *options: str):
    return app.test_cli_runner().invoke(
        args=["absher", "reconcile", str(path), "--bank", "RJHI", *options])


def snapshot(app) -> dict:
    with app.app_context(), db.transaction() as session:
        counts = {table.name: session.scalar(select(func.count()).select_from(table))
                  for table in Base.metadata.sorted_tables}
        states = session.execute(select(Bill.id, Bill.status, Bill.changed_at, Bill.amount,
                                        Bill.bank_reference, Bill.refund_attempts)
                                 .order_by(Bill.id)).all()
    return {"counts": counts, "bills": states}


def test_the_sample_statement_shows_every_kind_of_difference(app, payments_here):
    before = snapshot(app)
    result = reconcile(app, SAMPLE)
    assert result.exit_code == 1, result.output
    out = result.output
    assert "Riyadh day(s) 2026-12-04" in out
    assert "13 payment line(s) read, 9 readable; 6 payment(s) recorded here" in out
    expected = {
        "Paid here but not in the statement (1):": [
            "bill 5040000040049: 20000 halalas, reference RJ-1004, paid 2026-12-04 23:30 Riyadh"],
        "In the statement but not paid here (3):": [
            "line 7: bill 5060000060060: expired here",
            "line 8: bill 5070000070076: unknown here",
            "line 9: bill 5080000080082: paid here through NCBK"],
        "Amounts that differ (1):": [
            "line 3: bill 5020000020027: 3000 halalas in the statement, 30000 here"],
        "References that differ (1):": [
            "line 4: bill 5030000030033: RJ-1030 in the statement, RJ-1003 here"],
        "Duplicate lines (1):": ["line 6: bill 5050000050054 again (first on line 5)"],
        "Bad lines (4):": [
            "line 11, column bill: '5100000100101' is not a bill number",
            "line 12, column amount: '150.00' is not a whole number of halalas",
            "line 13: 3 columns, expected 4 (bill,amount,reference,time)",
            "line 14, column time: '2026-12-04 18:50' is not a time with its offset"],
    }
    for title, details in expected.items():
        assert title in out
        for detail in details:
            assert detail in out, detail
    assert "11 difference(s). Nothing was changed." in out
    # The README shows this very run.
    assert out in (SAMPLE.parents[2] / "README.md").read_text(encoding="utf-8")
    # Matching lines (the first, the refunded bill's) and other days' payments: not named.
    for quiet in ("5010000010011", "5090000090098", "5100000100100 ", "5110000110116:"):
        assert quiet not in out.replace("line 11, column bill: '5100000100101'", "")
    assert snapshot(app) == before


def test_a_clean_statement_exits_0(app, payments_here, tmp_path):
    clean = tmp_path / "clean.csv"
    clean.write_text(
        "\ufeffBill,Amount,Reference,Time\r\n"
        "5010000010011,15000,RJ-1001,2026-12-04T09:05:00+03:00\r\n"
        "5020000020027,30000,RJ-1002,2026-12-04T07:10:00Z\r\n"
        "5030000030033,10000,RJ-1003,2026-12-04T11:15:00+03:00\r\n"
        "5040000040049,20000,RJ-1004,2026-12-04T23:30:00+03:00\r\n"
        "5050000050054,15000,RJ-1005,2026-12-04T12:20:00+03:00\r\n"
        "5090000090098,10000,RJ-1009,2026-12-04T16:40:00+03:00\r\n\r\n", encoding="utf-8")
    result = reconcile(app, clean)
    assert result.exit_code == 0, result.output
    assert "No differences. Nothing was changed." in result.output
    assert "6 payment line(s) read, 6 readable; 6 payment(s) recorded here" in result.output


def test_a_day_asked_for_names_lines_of_other_days(app, payments_here, tmp_path):
    statement = tmp_path / "day.csv"
    statement.write_text(HEADER + "5100000100100,15000,RJ-1010,2026-12-05T00:30:00+03:00\n")
    result = reconcile(app, statement, "--day", "2026-12-04")
    assert result.exit_code == 1
    assert "line 2: bill 5100000100100 paid 2026-12-05 00:30 Riyadh, not on the day" \
        in result.output
    # Every payment of the 4th is missing from a statement that has none of them.
    assert "Paid here but not in the statement (6):" in result.output


@pytest.mark.parametrize("content", [
    b"", b"\n\n", b"number,sum\n5010000010011,15000\n", b"\xff\xfe\x00b\x00i\x00l\x00l",
    b"bill,amount,reference,time\n", b"\x00" * 100, b"x" * 100_000,
])
def test_a_file_that_is_no_statement_is_refused_whole(app, payments_here, tmp_path, content):
    path = tmp_path / "statement.csv"
    path.write_bytes(content)
    result = reconcile(app, path)
    assert result.exit_code == 2, result.output
    assert "Cannot read the statement" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception) \
        or isinstance(result.exception, SystemExit)


def test_missing_files_folders_and_unknown_banks_exit_2(app, payments_here, tmp_path):
    assert reconcile(app, tmp_path / "absent.csv").exit_code == 2
    assert reconcile(app, tmp_path).exit_code == 2
    other = app.test_cli_runner().invoke(args=["absher", "reconcile", str(SAMPLE),
                                               "--bank", "NOPE\x00"])
    assert other.exit_code == 2 and "No bank has the code" in other.output


def test_hostile_lines_are_named_and_the_rest_still_compared(app, payments_here, tmp_path):
    good = "5010000010011,15000,RJ-1001,2026-12-04T09:05:00+03:00\n"
    path = tmp_path / "hostile.csv"
    path.write_bytes(
        HEADER.encode()
        + b"5020000020027,30000,RJ-\xff\xfe,2026-12-04T10:10:00+03:00\n"  # not UTF-8
        + b"5020000020027,30\x0000,RJ-1002,2026-12-04T10:10:00+03:00\n"  # a NUL
        + b"5020000020027," + b"9" * 1_000_000 + b",RJ-1002,x\n"  # a huge line
        + b"5020000020027\n"  # missing columns
        + b'"5020000020027,30000\n'  # an unclosed quote
        + "٥٠٢٠٠٠٠٠٢٠٠٢٧,30000,RJ-1002,2026-12-04T10:10:00+03:00\n".encode()
        + b"5020000020027,-30000,RJ-1002,2026-12-04T10:10:00+03:00\n"
        + b"5020000020027,30000,RJ 1002\x1b[31m,2026-12-04T10:10:00+03:00\n"
        + b"5020000020027,30000,RJ-1002,2026-13-04T10:10:00+03:00\n"
        + good.encode())
    result = reconcile(app, path)
    assert result.exit_code == 1 and result.exception is None or \
        isinstance(result.exception, SystemExit), result.output
    out = result.output
    for named in ("line 2: not UTF-8 text (byte 24)", "line 3: a NUL character (character 17)",
                  "line 4: longer than 4096 bytes",
                  "line 5: 1 columns, expected 4", "line 6: not CSV",
                  "line 7, column bill:", "line 8, column amount: '-30000'",
                  "line 9, column reference: 'RJ 1002\\x1b[31m'", "line 10, column time:"):
        assert named in out, out
    assert "\x1b" not in out  # nothing reaches the operator's terminal as a control code
    assert "Bad lines (9):" in out and "10 payment line(s) read, 1 readable" in out


def test_a_long_statement_is_read_in_bounded_memory(app, payments_here, tmp_path):
    lines = 30_000
    path = tmp_path / "big.csv"
    with path.open("w") as file:
        file.write(HEADER)
        for index in range(lines):
            body = f"7{index:011d}"
            from absher_web.identity import luhn_check_digit

            file.write(f"{body}{luhn_check_digit(body)},100,R{index},2026-12-04T10:00:00Z\n")
    tracemalloc.start()
    try:
        report = reconciliation.reconcile(
            lambda: db_transaction(app), path, "RJHI", lambda _line: None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.lines == lines and report.counts["unknown"] == lines
    assert report.counts["missing"] == 6
    # Kept as Python objects, 30,000 lines would take 15 MB or more; read through the
    # scratch file, a statement of any length holds a chunk's worth.
    assert peak < 4 * 1024 * 1024, peak


def db_transaction(app):
    from contextlib import contextmanager

    @contextmanager
    def opened():
        with app.app_context(), db.transaction() as session:
            yield session

    return opened()


def test_reconcile_cannot_write_even_if_asked_to(app, payments_here):
    """The read-only transaction refuses a write: what reconcile reads with cannot change
    anything, whatever a future edit adds to it."""
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError):
        with reconciliation.read_only(lambda: db_transaction(app)) as session:
            session.add(AuditEvent(kind="tampered", detail={}, created_at=NOW))
            session.flush()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.kind == "tampered")) == 0
