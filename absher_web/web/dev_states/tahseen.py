"""Tahseen and foreign investor services: the Tahseen form (as first opened, sent empty,
hostile text, too many open tickets), a ticket just sent with its number, My tickets (none,
every state), one ticket answered, closed, withdrawn; the Civil Affairs officers' Tahseen
queue (tickets waiting, none, after an answer, after losing a race) and one ticket (open,
with errors, answered); a visitor not signed in; the investor page (no licence, valid,
expired, account not active, signed out). From fixture data, never stored."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.forms.common import ConfirmForm
from absher_web.forms.tahseen import AnswerForm, TahseenForm
from absher_web.models import (
    InvestorLicence,
    InvestorLicenceKind,
    TahseenTicket,
    TicketKind,
    TicketStatus,
    Upload,
)
from absher_web.services import tahseen as rules
from absher_web.services.investors import Eligibility, Standing
from absher_web.web import investors, staff_tahseen
from absher_web.web import tahseen as views
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import BLANK, EMPTY, State, form_of, not_active
from absher_web.web.dev_states.requests import officer_page

# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Tahseen and foreign investor services")
TITLE = views.TITLE
TICKETS = views.TICKETS_TITLE
# TRANSLATORS: The states gallery for testers (development only): a page's name: one
# Tahseen ticket.
TICKET = _l("A Tahseen ticket")
QUEUE = staff_tahseen.TITLE
# TRANSLATORS: The states gallery for testers (development only): a page's name: one
# ticket in the Civil Affairs officers' Tahseen queue.
CASE = _l("A ticket in the Tahseen queue")
INVESTOR = investors.TITLE
NOW = fx.NOW
T = TicketStatus
TEXT = ("بطاقة الهوية الجديدة تنتظر في مكتب العليا منذ ثلاثة أسابيع، ولم تصلني رسالة.\n"
        "هل يمكن إرسالها إلى مكتب آخر؟")
ANSWER = ("Your card is ready at the Olaya office. Collect it any working day from 8 to 2 "
          "with this ticket number; you may also ask for it to be sent to the Malaz office.")
TYPED = {"kind": "complaint", "topic": "national_id", "text": TEXT}


def sent(number: str, status: TicketStatus = T.OPEN, kind: TicketKind = TicketKind.COMPLAINT,
         topic: str = "national_id", days: int = 1, **values) -> TahseenTicket:
    answered = status in (T.ANSWERED, T.CLOSED)
    values.setdefault("answer", ANSWER if answered else None)
    return TahseenTicket(id=int(number[:4]), number=number, account_id=1, kind=kind,
                         topic=topic, text=TEXT, status=status, office_city="الرياض",
                         answered_by=1 if answered else None,
                         answered_at=NOW - timedelta(hours=3) if answered else None,
                         created_at=NOW - timedelta(days=days),
                         changed_at=NOW - timedelta(hours=3), account=fx.account(), **values)


def photo() -> Upload:
    return Upload(id=1, public_id="Xq3vLm8TzR2wK9pNa7sD4fGh", account_id=1, purpose=rules.PURPOSE,
                  media_type="image/png", size=48_213, sha256="0" * 64,
                  display_name="بطاقة-الهوية.png", created_at=NOW)


def every_state() -> list[TahseenTicket]:
    return [sent("482901736514", T.OPEN, days=0),
            sent("391847562035", T.ANSWERED, TicketKind.QUESTION, "births", days=4),
            sent("275610938474", T.CLOSED, TicketKind.SUGGESTION, "eservices", days=9,
                 answer="This ticket repeats ticket 391847562035, which is answered."),
            sent("160538274912", T.WITHDRAWN, TicketKind.COMPLAINT, "appointments", days=20)]


def form_page(typed: dict | None = None, too_many: bool = False):
    form = form_of(TahseenForm, typed)
    status = 409 if too_many else (422 if typed is not None else 200)
    return views.render_form(form, status, rules.TooMany(3) if too_many else None,
                             sign_out_form=ConfirmForm(formdata=None))


def tickets_page(found: list[TahseenTicket]):
    return views.render_tickets(found, sign_out_form=ConfirmForm(formdata=None))


def ticket_page(found: TahseenTicket, notice: dict | None = None, attachments=()):  # noqa: ANN001
    return views.render_ticket(found, notice, attachments=list(attachments),
                               sign_out_form=ConfirmForm(formdata=None))


def queue(found: list[TahseenTicket] | None = None, notice: dict | None = None):
    waiting = every_state()[:1] + [sent("593017264839", days=2, kind=TicketKind.QUESTION,
                                        topic="family_record")] if found is None else found
    return officer_page(staff_tahseen.render_queue, waiting, len(waiting), notice)


def case(found: TahseenTicket, typed: dict | None = None):
    form = form_of(AnswerForm, typed) if typed is not None else None
    return officer_page(staff_tahseen.render_ticket, found, form,
                        422 if typed is not None else 200, person=fx.person(),
                        answered_by=fx.officer() if found.answered_by else None,
                        attachments=[photo()])


def licence(days: int) -> InvestorLicence:
    return InvestorLicence(id=1, licence_number="MISA-2025-000101", person_id=DEMO_IDS[2],
                           kind=InvestorLicenceKind.SERVICES,
                           activity="تقنية المعلومات والاتصالات",
                           expires_on=fx.TODAY + timedelta(days=days))


def investor_page(found: Eligibility):
    return investors.render_page(found, sign_out_form=ConfirmForm(formdata=None))


STATES = [
    # TRANSLATORS: The states gallery for testers (development only): a state of a page: the
    # visitor has not signed in.
    State("tahseen-signed-out", GROUP, TITLE, _l("Not signed in"), views.render_signed_out),
    State("tahseen", GROUP, TITLE, BLANK, form_page),
    State("tahseen-empty", GROUP, TITLE, EMPTY, partial(form_page, {})),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("tahseen-hostile", GROUP, TITLE, _l("Hidden characters and a made-up kind (422)"),
          partial(form_page, {"kind": "praise", "topic": "../etc",
                              "text": "\u202eabc"})),
    State("tahseen-too-long", GROUP, TITLE, _l("Text too long (422)"),
          partial(form_page, {**TYPED, "text": "ش" * (rules.TEXT_MAX + 5)})),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("tahseen-too-many", GROUP, TITLE, _l("Too many open tickets (409)"),
          partial(form_page, TYPED, True)),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("tahseen-sent", GROUP, TICKET, _l("Just sent, with its number"),
          lambda: ticket_page(sent("482901736514", days=0),
                              {"key": "sent", "number": "482901736514"}, [photo()])),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("tahseen-tickets-none", GROUP, TICKETS, _l("No ticket yet"),
          partial(tickets_page, [])),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("tahseen-tickets", GROUP, TICKETS, _l("Tickets in every state"),
          lambda: tickets_page(every_state())),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("tahseen-answered", GROUP, TICKET, _l("Answered"),
          lambda: ticket_page(every_state()[1])),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("tahseen-closed", GROUP, TICKET, _l("Closed without an answer"),
          lambda: ticket_page(every_state()[2])),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("tahseen-withdrawn", GROUP, TICKET, _l("Withdrawn by the holder"),
          lambda: ticket_page(every_state()[3], {"key": "withdrawn",
                                                 "number": "160538274912"})),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("tahseen-withdraw-too-late", GROUP, TICKET, _l("Answered before the withdrawal"),
          lambda: ticket_page(every_state()[1], {"key": "already",
                                                 "number": "391847562035"})),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("staff-tahseen", GROUP, QUEUE, _l("Tickets waiting"), queue),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("staff-tahseen-empty", GROUP, QUEUE, _l("Nothing waiting"), partial(queue, [])),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("staff-tahseen-answered", GROUP, QUEUE, _l("After an answer"),
          partial(queue, None, {"key": "answered", "number": "391847562035"})),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("staff-tahseen-too-late", GROUP, QUEUE, _l("Another officer answered first"),
          partial(queue, None, {"key": "already", "number": "391847562035"})),
    State("staff-tahseen-ticket", GROUP, CASE, BLANK,
          lambda: case(sent("482901736514", days=0))),
    State("staff-tahseen-ticket-empty", GROUP, CASE, EMPTY,
          lambda: case(sent("482901736514", days=0), {"outcome": "", "text": ""})),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("staff-tahseen-ticket-answered", GROUP, CASE, _l("Answered already"),
          lambda: case(every_state()[1])),
    State("investor-signed-out", GROUP, INVESTOR, _l("Not signed in"),
          investors.render_signed_out),
    State("investor-not-active", GROUP, INVESTOR, _l("Account not activated"),
          partial(not_active, INVESTOR, investors.EXPLANATION)),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("investor-none", GROUP, INVESTOR, _l("No investment licence"),
          partial(investor_page, Eligibility(Standing.NONE))),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("investor-valid", GROUP, INVESTOR, _l("A valid licence"),
          lambda: investor_page(Eligibility(Standing.VALID, licence(300)))),
    # TRANSLATORS: The states gallery for testers (development only): a state of a page.
    State("investor-expired", GROUP, INVESTOR, _l("The licence expired"),
          lambda: investor_page(Eligibility(Standing.EXPIRED, licence(-30)))),
]
