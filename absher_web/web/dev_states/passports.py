"""Absher Passports: the holder's list (the holder and a minor son in every state, none,
not activated), one person's page (the form, for an adult and for a minor, sent with
broken values, the review, the fee changed, refused for each rule, the bill to pay,
printing, printed by post and at an office, delivered, withdrawn), and the Passports
officers' queue (with cases, after a move, empty, without a city). From fixture data,
never stored."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.forms.common import ConfirmForm
from absher_web.forms.passports import PassportConfirmForm, PassportForm
from absher_web.models import (
    BillStatus,
    Passport,
    PassportStatus,
    Person,
    PersonKind,
    RequestStatus,
    ServiceRequest,
    TravelBan,
)
from absher_web.services import passports as rules
from absher_web.services.acting_for import Relation
from absher_web.services.passports import Delivery, Quote, Refusal, Standing
from absher_web.web import passports as views
from absher_web.web import staff_passports
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import State, form_of, not_active
from absher_web.web.staff_queues import Case

# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Absher Passports")
TITLE = views.TITLE
# TRANSLATORS: The states gallery: the Passports officers' queue, by its title.
QUEUE_TITLE = _l("Passports to print and hand over")
NOW, TODAY = fx.NOW, fx.TODAY
NUMBER = "6039182743"  # a check digit that holds, as every request number has
S, B = RequestStatus, BillStatus


def son() -> Person:
    return Person(national_id="1050201407", kind=PersonKind.CITIZEN,
                  name_ar="سعد محمد عبدالله العتيبي", name_en="Saad Mohammed Abdullah Al-Otaibi",
                  birth_date=TODAY.replace(year=TODAY.year - 10), nationality="SAU",
                  id_expiry=TODAY.replace(year=TODAY.year + 5), city="الرياض",
                  district="حي النخيل")


def passport(days_left: int = 40, status: PassportStatus = PassportStatus.VALID,
             person: str | None = None) -> Passport:
    expires = TODAY + timedelta(days=days_left)
    return Passport(id=1, person_id=person or fx.person().national_id, number="A23458151",
                    issuing_country="SAU", issued_on=expires.replace(year=expires.year - 10),
                    expires_on=expires, status=status)


def asked(status: RequestStatus, delivery: Delivery = Delivery.POST, **details) -> ServiceRequest:
    return ServiceRequest(id=1, number=NUMBER, service=rules.SERVICE,
                          request_key=fx.person().national_id, account_id=1,
                          beneficiary_id=fx.person().national_id, status=status,
                          office_city="الرياض", bill_id=7,
                          details={"years": 10, "delivery": delivery.value, "fee": 60000,
                                   "name_ar": fx.person().name_ar,
                                   "name_en": fx.person().name_en,
                                   "old_passport": "A23458151", **details},
                          created_at=NOW - timedelta(days=2),
                          changed_at=NOW - timedelta(hours=3))


def sons_request() -> ServiceRequest:
    """The son's passport, printed and waiting at the office: a request of its own."""
    made = asked(S.PRINTED, Delivery.OFFICE, name_ar=son().name_ar, name_en=son().name_en,
                 old_passport="A23458177")
    made.id, made.number, made.bill_id = 2, "6039182750", 8
    made.request_key = made.beneficiary_id = son().national_id
    return made


def passport_bill(status: BillStatus = BillStatus.UNPAID):
    return fx.bill(7, rules.SERVICE, NUMBER, 60000, status, request=NUMBER, years=10)


def standing(refusal: Refusal | None = None, request: ServiceRequest | None = None,
             bill=None, held: Passport | None = None, person: Person | None = None,  # noqa: ANN001
             mine: bool = True, **values) -> Standing:
    person = person or fx.person()
    held = held if held is not None else passport()
    usable = held.status is PassportStatus.VALID and held.expires_on >= TODAY if held else False
    ten = person.birth_date <= TODAY.replace(year=TODAY.year - 21)
    return Standing(person, Relation.SELF if person.national_id == fx.person().national_id
                    else Relation.PARENT, held or None, usable, request, bill, refusal,
                    values.pop("ban", None), values.pop("fines", 0),
                    values.pop("renew_from", None), ten, mine)


def no_passport(person: Person | None = None) -> Standing:
    person = person or son()
    return Standing(person, Relation.PARENT, None, False, None, None, None, None, 0, None,
                    False, True)


def ban() -> TravelBan:
    return TravelBan(id=1, person_id=fx.person().national_id,
                     since=TODAY - timedelta(days=200), authority="النيابة العامة")


def refused(refusal: Refusal, **values):
    if refusal is Refusal.STILL_VALID:
        held = passport(900)
        values["renew_from"] = date(held.expires_on.year, held.expires_on.month, 1) \
            - timedelta(days=150)
        values["held"] = held
    if refusal is Refusal.OPEN_REQUEST:
        values.setdefault("request", asked(S.SUBMITTED))
    if refusal is Refusal.NOT_SAUDI:
        values["person"] = Person(national_id="2345678903", kind=PersonKind.RESIDENT,
                                  name_ar="أحمد محمود حسن", name_en="Ahmed Mahmoud Hassan",
                                  birth_date=date(1988, 2, 1), nationality="EGY",
                                  id_expiry=TODAY.replace(year=TODAY.year + 1),
                                  city="الرياض", district="حي العليا")
    return page(standing(refusal, **values), views.Mode.STATE)


def page(found: Standing, mode: str, status: int = 200, **context):
    return views.render_person(found, mode, status=status, now=NOW,
                               sign_out_form=ConfirmForm(formdata=None), **context)


def form_page(found: Standing | None = None, typed: dict | None = None):
    form = form_of(PassportForm, typed)
    return page(found or standing(), views.Mode.FORM, 422 if typed else 200, form=form)


def review(changed: bool = False, delivery: Delivery = Delivery.OFFICE):
    quote = Quote(fx.person(), 10, delivery, "الرياض", 60000, True)
    form = form_of(PassportConfirmForm, {"years": "10", "delivery": delivery.value,
                                         "office_city": "الرياض", "fee": "60000"})
    return page(standing(), views.Mode.REVIEW, form=form, quote=quote, changed=changed)


def request_page(request: ServiceRequest, bill=None, held: Passport | None = None):  # noqa: ANN001
    found = standing(Refusal.OPEN_REQUEST if request.status in rules.OPEN_STATES else None,
                     request, bill, held)
    return page(found, views.Mode.STATE)


def delivered():
    held = Passport(id=1, person_id=fx.person().national_id, number="K58213096",
                    issuing_country="SAU", issued_on=TODAY,
                    expires_on=TODAY.replace(year=TODAY.year + 10) - timedelta(days=1))
    made = asked(S.DELIVERED, passport_number="K58213096",
                 expires_on=held.expires_on.isoformat())
    return page(standing(Refusal.STILL_VALID, made, passport_bill(B.PAID), held,
                         renew_from=held.expires_on.replace(year=held.expires_on.year - 1)),
                views.Mode.STATE)


def listing(people: list[Standing]):
    return views.render_list(people, now=NOW, sign_out_form=ConfirmForm(formdata=None))


def every_kind() -> list[Standing]:
    return [standing(Refusal.OPEN_REQUEST, asked(S.APPROVED), passport_bill(B.PAID)),
            no_passport(),
            standing(Refusal.TRAVEL_BAN, person=Person(
                national_id="1050201704", kind=PersonKind.CITIZEN,
                name_ar="لطيفة محمد عبدالله العتيبي", name_en="Latifa Mohammed Al-Otaibi",
                birth_date=TODAY.replace(year=TODAY.year - 15), nationality="SAU",
                id_expiry=TODAY.replace(year=TODAY.year + 5), city="الرياض",
                district="حي النخيل"), held=passport(-30, person="1050201704"), ban=ban())]


def queue(cases: bool = True, notice: dict | None = None, city: bool = True):
    officer = fx.officer()
    if not city:
        officer.city = None
    to_print = [Case(asked(S.APPROVED), rules_kind(), fx.person())] if cases else []
    to_hand = [Case(sons_request(), rules_kind(), son())] if cases else []
    return staff_passports.render_queue(to_print, to_hand, notice, officer=officer,
                                        staff_sign_out_form=ConfirmForm(formdata=None))


def rules_kind():
    from absher_web.services import requests  # noqa: PLC0415 (the registered Kind)

    return requests.KINDS[rules.SERVICE]


BAD = {"years": "10", "delivery": "office", "office_city": "Atlantis"}

STATES: list[State] = [
    # TRANSLATORS: states gallery, a state of Absher Passports: the holder and their children
    # in every state (a request printing, a first passport to issue, a travel ban).
    State("passports", GROUP, TITLE, _l("People in every state"),
          partial(listing, every_kind())),
    # TRANSLATORS: states gallery, a state of Absher Passports: nobody listed.
    State("passports-none", GROUP, TITLE, _l("No one to request for"), partial(listing, [])),
    State("passports-not-active", GROUP, TITLE, _l("Account not activated"),
          partial(not_active, TITLE, views.EXPLANATION)),
    # TRANSLATORS: states gallery, a state of a passport page: the form for an adult whose
    # passport may be renewed.
    State("passport", GROUP, TITLE, _l("Eligible: the form"), form_page, htmx=True),
    # TRANSLATORS: states gallery, a state of a passport page: a minor's first passport
    # (5 years only).
    State("passport-minor", GROUP, TITLE, _l("A minor's first passport"),
          partial(form_page, no_passport())),
    # TRANSLATORS: states gallery, a state of a passport page: sent with values that break
    # the rules (422).
    State("passport-form-refused", GROUP, TITLE, _l("Sent with values that break the rules"),
          partial(form_page, None, BAD), htmx=True),
    # TRANSLATORS: states gallery, a state of a passport page: the fee before confirming.
    State("passport-quote", GROUP, TITLE, _l("The fee, before the bill"), review, htmx=True),
    # TRANSLATORS: states gallery, a state of a passport page: the fee changed meanwhile.
    State("passport-quote-changed", GROUP, TITLE, _l("The fee changed"),
          partial(review, True, Delivery.POST)),
    # TRANSLATORS: states gallery, a state of a passport page: refused, still valid.
    State("passport-refused-still-valid", GROUP, TITLE, _l("Refused: still valid"),
          partial(refused, Refusal.STILL_VALID)),
    # TRANSLATORS: states gallery, a state of a passport page: refused, a travel ban.
    State("passport-refused-travel-ban", GROUP, TITLE, _l("Refused: travel ban"),
          partial(refused, Refusal.TRAVEL_BAN, ban=ban())),
    # TRANSLATORS: states gallery, a state of a passport page: refused, unpaid fines.
    State("passport-refused-unpaid-fines", GROUP, TITLE, _l("Refused: unpaid fines"),
          partial(refused, Refusal.UNPAID_FINES, fines=150000)),
    # TRANSLATORS: states gallery, a state of a passport page: refused, not a Saudi citizen.
    State("passport-refused-not-saudi", GROUP, TITLE, _l("Refused: not a Saudi citizen"),
          partial(refused, Refusal.NOT_SAUDI, held=None)),
    # TRANSLATORS: states gallery, a state of a passport page: another guardian's request
    # is open.
    State("passport-refused-open-request", GROUP, TITLE,
          _l("Refused: another guardian's request is open"),
          partial(refused, Refusal.OPEN_REQUEST, mine=False)),
    # TRANSLATORS: states gallery, a state of a passport page: the bill waits to be paid.
    State("passport-billed", GROUP, TITLE, _l("Bill to pay"),
          lambda: request_page(asked(S.SUBMITTED), passport_bill()), htmx=True),
    # TRANSLATORS: states gallery, a state of a passport page: paid, being printed.
    State("passport-printing", GROUP, TITLE, _l("Paid: printing"),
          lambda: request_page(asked(S.APPROVED), passport_bill(B.PAID))),
    # TRANSLATORS: states gallery, a state of a passport page: printed, sent by post.
    State("passport-printed", GROUP, TITLE, _l("Printed, by post"),
          lambda: request_page(asked(S.PRINTED), passport_bill(B.PAID))),
    # TRANSLATORS: states gallery, a state of a passport page: printed, at the office.
    State("passport-printed-office", GROUP, TITLE, _l("Printed, at the office"),
          lambda: request_page(asked(S.PRINTED, Delivery.OFFICE), passport_bill(B.PAID))),
    # TRANSLATORS: states gallery, a state of a passport page: delivered, the new passport.
    State("passport-delivered", GROUP, TITLE, _l("Delivered"), delivered),
    # TRANSLATORS: states gallery, a state of a passport page: withdrawn after payment, the
    # fee being refunded.
    State("passport-withdrawn-refunded", GROUP, TITLE, _l("Withdrawn, fee refunded"),
          lambda: request_page(asked(S.CANCELLED), passport_bill(B.REFUNDING))),
    # TRANSLATORS: states gallery, a state of the Passports officers' queue: with cases.
    State("staff-passports", GROUP, QUEUE_TITLE, _l("With cases"), queue),
    # TRANSLATORS: states gallery, a state of the Passports officers' queue: after a move.
    State("staff-passports-moved", GROUP, QUEUE_TITLE, _l("After marking one printed"),
          partial(queue, True, {"key": "staff_passport_printed", "number": NUMBER})),
    # TRANSLATORS: states gallery, a state of the Passports officers' queue: nothing waits.
    State("staff-passports-empty", GROUP, QUEUE_TITLE, _l("Empty"), partial(queue, False)),
    # TRANSLATORS: states gallery, a state of the Passports officers' queue: the officer has
    # no city set.
    State("staff-passports-no-city", GROUP, QUEUE_TITLE, _l("No city set"),
          partial(queue, False, None, False)),
]
