"""A holder of Riyadh (signed in), Civil Affairs officers, and helpers to send, read and
answer Tahseen tickets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import TahseenTicket
from tests.account.conftest import Citizen, csrf_of
from tests.staff.conftest import Console
from tests.staff.test_civil_affairs import officer_console as civil_affairs_console

PAGE = "/{lang}/account/tahseen"
TICKET = {"kind": "complaint", "topic": "national_id",
          "text": "My new ID card has been waiting at the Olaya office for three weeks."}


class Holder(Citizen):
    def token(self) -> str:
        return csrf_of(self.client.get(f"/{self.lang}/account/"))

    def send(self, client=None, token: str | None = None, **changes):
        data = {"csrf_token": token or self.token(), **TICKET, **changes}
        return (client or self.client).post(PAGE.format(lang=self.lang), data=data)

    def sent(self, **changes) -> TahseenTicket:
        """Sends a ticket; the one made."""
        response = self.send(**changes)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        number = response.headers["Location"].rsplit("/", 1)[1]
        return ticket(self.client.application, number)


def ticket(app, number: str) -> TahseenTicket:
    with app.app_context():
        found = db.session.scalars(select(TahseenTicket)
                                   .where(TahseenTicket.number == number)).one()
        db.session.expunge(found)
    return found


def tickets(app) -> list[TahseenTicket]:
    with app.app_context():
        found = list(db.session.scalars(select(TahseenTicket).order_by(TahseenTicket.id)))
        db.session.expunge_all()
    return found


@pytest.fixture
def holder(client, make_account, sms_outbox) -> Holder:
    found = Holder(client, make_account(), sms_outbox)
    found.sign_in()
    return found


def officer_console(app, username: str = "h.alqahtani", roles=("civil_affairs",),
                    city: str | None = "Riyadh") -> Console:
    """A Civil Affairs officer of Riyadh (by default), signed in to the console."""
    return civil_affairs_console(app, username, roles, city)


def answer(console: Console, number: str, text: str = "Collect it tomorrow at the Olaya "
           "office, with this ticket number.", outcome: str = "answer"):
    url = f"/en/staff/tahseen/{number}"
    token = csrf_of(console.client.get(url))
    return console.client.post(url + "/answer",
                               data={"csrf_token": token, "outcome": outcome, "text": text})
