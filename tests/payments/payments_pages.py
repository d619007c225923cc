"""A holder with bills, seen through their Payments page: bills issued and paid by the real
service functions (services/bills.py), for a fee-bearing service registered for tests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from absher_web.extensions import db
from absher_web.models import ActivationState, ApiClientKind, Bill, BillStatus, utcnow
from absher_web.services import api_clients, bills
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse

SERVICE = "test_payments_page"
bills.register(bills.Fulfilment(SERVICE, lambda _session, _bill, _now: None,
                                refundable=lambda _session, _bill: True))


class Holder(Citizen):
    def get(self, path: str = "", **kwargs):
        return self.client.get(f"/{self.lang}/account/payments{path}", **kwargs)

    def cancel(self, number: str):
        page = self.client.get(f"/{self.lang}/account/payments")
        return self.client.post(f"/{self.lang}/account/payments/{number}/cancel",
                                data={"csrf_token": csrf_of(page)})


def issue(app, account, amount: int = 10000, vat: int = 0, key: str | None = None,
          service: str | None = None, beneficiary: str | None = None,
          lifetime: timedelta = timedelta(days=3), created=None, **details) -> Bill:
    """A new unpaid bill; ``service`` renames its service afterwards (only how it shows)."""
    now = created or utcnow()
    with app.app_context(), db.transaction() as session:
        bill = bills.issue(session, service=SERVICE, request_key=key or bills.new_number(),
                           account=account, beneficiary_id=beneficiary or account.national_id,
                           amount=amount, vat=vat, now=now, lifetime=lifetime,
                           details=details)
        session.flush()
        if service:
            session.execute(update(Bill).where(Bill.id == bill.id).values(service=service))
        session.refresh(bill)
        session.expunge(bill)
    return bill


def add_bank(app, code: str = "RJHI", name: str = "Al Rajhi Bank") -> None:
    with app.app_context(), db.transaction() as session:
        if api_clients.find_client(session, code) is None:
            api_clients.add_client(session, api_clients.cipher_from_config(app.config), code,
                                   ApiClientKind.BANK, name, utcnow())


def pay(app, bill: Bill, reference: str = "RJ-778812", bank: str = "RJHI",
        paid_at=None) -> bills.Outcome:
    now = utcnow()
    with app.app_context(), db.transaction() as session:
        outcome, _ = bills.pay(session, bills.Payment(bill.number, bill.amount, bank,
                                                      reference, paid_at or now), now)
    return outcome


def refund(app, bill: Bill, done_reference: str | None = None) -> None:
    """The holder's cancellation of a paid bill (a refund under way), and if
    ``done_reference`` the bank's confirmation of it."""
    now = utcnow()
    with app.app_context(), db.transaction() as session:
        found = session.get(Bill, bill.id)
        assert bills.cancel(session, found, now) is bills.Cancelled.REFUNDING
        if done_reference:
            assert bills.move(session, found, BillStatus.REFUNDING, BillStatus.REFUNDED, now,
                              refunded_at=now, refund_reference=done_reference)


def stored(app, bill: Bill) -> Bill:
    with app.app_context(), db.transaction() as session:
        found = session.get(Bill, bill.id)
        session.expunge(found)
    return found


def section(response, group: str):
    return parse(response).find("section", attrs={"aria-labelledby": f"group-{group}"})


def text_of(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split()) if element else ""


def signed_in_holder(client, make_account, sms_outbox, lang: str = "en") -> Holder:
    person = Holder(client, make_account(state=ActivationState.ACTIVE), sms_outbox, lang)
    person.sign_in()
    return person
