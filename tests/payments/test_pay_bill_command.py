"""`flask absher pay-bill`: a real signed payment notice over HTTP to a served portal, its
answer in plain words, and a non-zero exit when the portal refuses the payment."""

from __future__ import annotations

from datetime import timedelta

from absher_web.models import BillStatus, utcnow
from absher_web.services import bills
from tests.payments.notices import carried, issue, stored


def pay_bill(app, *args: str, **env: str):
    return app.test_cli_runner().invoke(args=["absher", "pay-bill", *args], env=env or None)


def test_pay_bill_pays_the_bills_amount_as_a_bank_would(app, bank, make_account, served):
    bill = issue(app, make_account(), amount=23050)
    result = pay_bill(app, bill.number, "--bank", "rjhi", "--url", served)
    assert result.exit_code == 0, result.output
    reference = result.output.split("reference ")[1].split(",")[0]
    assert reference.startswith("PAY-")
    assert result.output == (f"Paid: bill {bill.number}, 230.50 SAR, bank RJHI, reference "
                             f"{reference}, at {result.output.split(' at ')[1]}")
    paid = stored(app, bill)
    assert paid.status is BillStatus.PAID and paid.bank_reference == reference
    assert carried(bill) == 1


def test_pay_bill_sent_again_is_a_banks_retry(app, bank, make_account, served):
    bill = issue(app, make_account())
    paid_at = utcnow().isoformat(timespec="seconds")
    sent = [pay_bill(app, bill.number, "--bank", "RJHI", "--reference", "FT-DEMO-1",
                     "--paid-at", paid_at, "--url", served) for _ in range(2)]
    assert [result.exit_code for result in sent] == [0, 0]
    assert sent[0].output == sent[1].output and sent[0].output.startswith("Paid:")
    assert stored(app, bill).bank_reference == "FT-DEMO-1" and carried(bill) == 1
    # The same reference for another time is another payment: refused, not paid twice.
    other = pay_bill(app, bill.number, "--bank", "RJHI", "--reference", "FT-DEMO-1",
                     "--paid-at", "2020-01-01T00:00:00Z", "--url", served)
    assert other.exit_code == 1 and other.output.startswith("Refused: invalid_request")
    later = (utcnow() - timedelta(minutes=1)).isoformat(timespec="seconds")
    reused = pay_bill(app, bill.number, "--bank", "RJHI", "--reference", "FT-DEMO-1",
                      "--paid-at", later, "--url", served)
    assert reused.exit_code == 1 and reused.output.startswith("Refused: reference_reused")
    assert carried(bill) == 1


def test_pay_bill_says_why_the_portal_refused_and_exits_non_zero(app, bank, make_account,
                                                                 served):
    bill = issue(app, make_account(), amount=10000)
    wrong = pay_bill(app, bill.number, "--bank", "RJHI", "--amount", "9999", "--url", served)
    assert wrong.exit_code == 1
    assert wrong.output.startswith("Refused: amount_wrong (HTTP 422). The amount is not")
    assert pay_bill(app, bill.number, "--bank", "RJHI", "--url", served).exit_code == 0
    twice = pay_bill(app, bill.number, "--bank", "RJHI", "--url", served)
    assert twice.exit_code == 1 and twice.output.startswith("Refused: bill_already_paid")
    unknown = pay_bill(app, bills.new_number(), "--bank", "RJHI", "--amount", "100",
                       "--url", served)
    assert unknown.exit_code == 1 and unknown.output.startswith("Refused: bill_unknown (HTTP 404)")
    mistyped = bill.number[:-1] + str((int(bill.number[-1]) + 1) % 10)
    typo = pay_bill(app, mistyped, "--bank", "RJHI", "--amount", "100", "--url", served)
    assert typo.exit_code == 1 and "bill_number_invalid" in typo.output
    bad_form = pay_bill(app, "12", "--bank", "RJHI", "--amount", "100", "--url", served)
    assert bad_form.exit_code == 1
    assert "Refused: invalid_request" in bad_form.output and "bill_number:" in bad_form.output
    assert carried(bill) == 1


def test_pay_bill_with_a_wrong_key_or_no_such_bank_or_bill(app, bank, make_account, served):
    bill = issue(app, make_account())
    forged = pay_bill(app, bill.number, "--bank", "RJHI", "--url", served,
                      ABSHER_SIMULATE_KEY="not-the-banks-key")
    assert forged.exit_code == 1 and forged.output.startswith("Refused: bad_signature (HTTP 401)")
    no_bank = pay_bill(app, bill.number, "--bank", "NOPE", "--url", served)
    assert no_bank.exit_code != 0 and "No key for NOPE" in no_bank.output
    no_bill = pay_bill(app, bills.new_number(), "--bank", "RJHI", "--url", served)
    assert no_bill.exit_code != 0 and "pass --amount" in no_bill.output
    unreachable = pay_bill(app, bill.number, "--bank", "RJHI", "--url", "http://127.0.0.1:9")
    assert unreachable.exit_code != 0 and "Could not reach" in unreachable.output
    assert stored(app, bill).status is BillStatus.UNPAID
