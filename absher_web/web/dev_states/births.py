"""Birth registration: the list of notified births (with births in every state, none, a
resident's), a notification's page as first opened, sent with a broken name rule (422),
late, reviewed (listed or not, with or without anything to pay, amounts changed), and the
request waiting for payment, with an expired bill, paid, with an officer, refused,
registered (by post or at an office) and delivered; a resident's page. From fixture data,
never stored."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.forms.births import BirthConfirmForm, BirthNameForm
from absher_web.forms.common import ConfirmForm
from absher_web.models import (
    BillStatus,
    BirthNotification,
    Person,
    PersonKind,
    RequestStatus,
    ServiceRequest,
    Sex,
)
from absher_web.services import births as rules
from absher_web.services.births import Delivery, Notified, Quote
from absher_web.services.births_registry import FourPartName
from absher_web.web import births as views
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import State, form_of, not_active

# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Birth registration")
TITLE = views.TITLE
NOW = fx.NOW
FEE, FINE = 3000, 10000


def mother() -> Person:
    return Person(national_id=DEMO_IDS[1], kind=PersonKind.CITIZEN,
                  name_ar="نورة فهد خالد القحطاني", name_en="Noura Fahad Khalid Al-Qahtani",
                  birth_date=fx.TODAY.replace(year=1995), nationality="SAU",
                  id_expiry=fx.TODAY.replace(year=2031), city="الرياض", district="حي النخيل")


def child() -> Person:
    return Person(national_id="1100234565", kind=PersonKind.CITIZEN,
                  name_ar="سعد محمد عبدالله العتيبي", name_en="Saad Mohammed Abdullah Al-Otaibi",
                  birth_date=fx.TODAY - timedelta(days=5), nationality="SAU",
                  id_expiry=(fx.TODAY - timedelta(days=5)).replace(year=fx.TODAY.year + 15),
                  city="الرياض", district="حي النخيل")


def notification(days: int = 5, number: str = "KFSH-2026-0001", sex: Sex = Sex.MALE,
                 registered: bool = False) -> BirthNotification:
    return BirthNotification(id=1, number=number, father_id=DEMO_IDS[0],
                             mother_id=DEMO_IDS[1], hospital="مستشفى الملك فيصل التخصصي",
                             birth_date=fx.TODAY - timedelta(days=days), sex=sex,
                             child_id=child().national_id if registered else None)


def asked(status: RequestStatus, delivery: Delivery = Delivery.POST, reason: str | None = None,
          bill_id: int | None = 7) -> ServiceRequest:
    return ServiceRequest(id=1, number="5028471937", service=rules.SERVICE,
                          request_key="KFSH-2026-0001", status=status, reason=reason,
                          details={"delivery": delivery.value, "delivery_fee": FEE,
                                   "fine": 0},
                          bill_id=bill_id, created_at=NOW - timedelta(days=1),
                          changed_at=NOW - timedelta(hours=2))


def notified(days: int = 5, request: ServiceRequest | None = None, bill=None,  # noqa: ANN001
             registered: bool = False, **changes) -> Notified:
    return Notified(notification(days, registered=registered, **changes), request, bill,
                    child() if registered else None, days, days > 30)


def names(first_ar: str = "سعد", first_en: str = "Saad") -> FourPartName:
    return FourPartName(first_ar, first_en, f"{first_ar} محمد عبدالله العتيبي",
                        f"{first_en} Mohammed Abdullah Al-Otaibi")


def rest() -> FourPartName:
    return FourPartName("", "", "محمد عبدالله العتيبي", "Mohammed Abdullah Al-Otaibi")


def page(found: Notified, mode: str, status: int = 200, **context):
    return views.render_birth(found, mode, father=fx.person(), mother=mother(),
                              status=status, now=NOW, rest=rest(),
                              sign_out_form=ConfirmForm(formdata=None), **context)


def form_page(days: int = 5, typed: dict | None = None):
    form = form_of(BirthNameForm, typed)
    return page(notified(days), views.Mode.FORM, 422 if typed else 200, form=form)


def review(days: int = 5, delivery: Delivery = Delivery.POST, listed: bool = True,
           changed: bool = False):
    chosen = names() if listed else names("غيث", "Ghaith")
    quote = Quote(notification(days), chosen, delivery,
                  FEE if delivery is Delivery.POST else 0, FINE if days > 30 else 0, listed,
                  days)
    form = form_of(BirthConfirmForm, {"first_name_ar": chosen.first_ar,
                                      "first_name_en": chosen.first_en,
                                      "delivery": delivery.value,
                                      "total": str(quote.total)})
    return page(notified(days), views.Mode.REVIEW, form=form, quote=quote, changed=changed)


def birth_bill(status: BillStatus = BillStatus.UNPAID, fulfilled: bool = True,
               expired: bool = False):
    made = fx.bill(7, rules.SERVICE, "5028471937", FEE, status, fulfilled,
                   request="5028471937", delivery_fee=FEE, fine=0)
    if expired:
        made.expires_at = NOW - timedelta(hours=1)
    return made


def refunded_bill():
    made = birth_bill(B.REFUNDED)
    made.refund_reason, made.refunded_at = "not_delivered", NOW - timedelta(hours=1)
    return made


def request_page(request: ServiceRequest, bill=None, registered: bool = False):  # noqa: ANN001
    return page(notified(request=request, bill=bill, registered=registered),
                views.Mode.REQUEST)


def resident_page():
    return page(notified(40, number="DMM-2026-0417", sex=Sex.FEMALE), views.Mode.OFFICE)


def listing(found: list[Notified] | None = None, citizen: bool = True):
    return views.render_list(found or [], citizen, sign_out_form=ConfirmForm(formdata=None))


def every_kind() -> list[Notified]:
    return [
        notified(5),
        Notified(notification(40, "KFSH-2026-0099", Sex.FEMALE), None, None, None, 40, True),
        notified(12, request=asked(RequestStatus.UNDER_REVIEW, reason=rules.NAME_NOT_LISTED),
                 number="KFSH-2026-0042"),
        notified(3, request=asked(RequestStatus.APPROVED), registered=True,
                 number="KFSH-2026-0051"),
    ]


BAD_NAME = {"first_name_ar": "الأمير", "first_name_en": "Al-Waleed", "delivery": ""}
S, B = RequestStatus, BillStatus

STATES: list[State] = [
    # TRANSLATORS: states gallery, a state of the birth registration page: births in every
    # state (new, late, with an officer, registered).
    State("births", GROUP, TITLE, _l("Births in every state"), partial(listing, every_kind())),
    # TRANSLATORS: states gallery, a state of the birth registration page: no birth notified.
    State("births-none", GROUP, TITLE, _l("No birth notified"), listing),
    # TRANSLATORS: states gallery, a state of the birth registration pages: the holder is a
    # resident and is told to visit a Civil Affairs office.
    State("births-resident", GROUP, TITLE, _l("A resident: visit an office"),
          partial(listing, [], False)),
    State("births-not-active", GROUP, TITLE, _l("Account not activated"),
          partial(not_active, TITLE, views.EXPLANATION)),
    # TRANSLATORS: states gallery, a state of a birth's page: the first name form, as opened.
    State("birth", GROUP, TITLE, _l("The name form"), form_page, htmx=True),
    # TRANSLATORS: states gallery, a state of a birth's page: the form sent with names that
    # break the rules and no delivery chosen (422).
    State("birth-name-refused", GROUP, TITLE, _l("Names refused (422)"),
          partial(form_page, 5, BAD_NAME), htmx=True),
    # TRANSLATORS: states gallery, a state of a birth's page: past the registration days,
    # the fine applies.
    State("birth-late", GROUP, TITLE, _l("Late: the fine applies"), partial(form_page, 40)),
    # TRANSLATORS: states gallery, a state of a birth's page: the review before confirming.
    State("birth-review", GROUP, TITLE, _l("Review, delivery by post"), review, htmx=True),
    # TRANSLATORS: states gallery, a state of a birth's page: the review of a late
    # registration whose name goes to an officer.
    State("birth-review-late-officer", GROUP, TITLE, _l("Review, late, name not listed"),
          partial(review, 40, Delivery.POST, False)),
    # TRANSLATORS: states gallery, a state of a birth's page: the review with nothing to pay.
    State("birth-review-free", GROUP, TITLE, _l("Review, nothing to pay"),
          partial(review, 5, Delivery.OFFICE)),
    # TRANSLATORS: states gallery, a state of a birth's page: the amounts changed between the
    # review and the confirmation.
    State("birth-review-changed", GROUP, TITLE, _l("Review, amounts changed"),
          partial(review, 31, Delivery.POST, True, True), htmx=True),
    # TRANSLATORS: states gallery, a state of a birth's page: its bill waits to be paid.
    State("birth-billed", GROUP, TITLE, _l("Bill to pay"),
          lambda: request_page(asked(S.SUBMITTED), birth_bill()), htmx=True),
    # TRANSLATORS: states gallery, a state of a birth's page: its bill expired unpaid.
    State("birth-bill-expired", GROUP, TITLE, _l("Bill expired"),
          lambda: request_page(asked(S.SUBMITTED), birth_bill(expired=True))),
    # TRANSLATORS: states gallery, a state of a birth's page: paid, the request going on.
    State("birth-paid", GROUP, TITLE, _l("Paid, going on"),
          lambda: request_page(asked(S.SUBMITTED), birth_bill(B.PAID, fulfilled=False))),
    # TRANSLATORS: states gallery, a state of a birth's page: with a Civil Affairs officer.
    State("birth-under-review", GROUP, TITLE, _l("With an officer"),
          lambda: request_page(asked(S.UNDER_REVIEW, Delivery.OFFICE, rules.NAME_NOT_LISTED,
                                     None))),
    # TRANSLATORS: states gallery, a state of a birth's page: refused by an officer.
    State("birth-refused", GROUP, TITLE, _l("Refused by an officer"),
          lambda: request_page(asked(S.REFUSED, Delivery.OFFICE, rules.NOT_ELIGIBLE, None))),
    # TRANSLATORS: states gallery, a state of a birth's page: registered, sent by post.
    State("birth-registered", GROUP, TITLE, _l("Registered, by post"),
          lambda: request_page(asked(S.APPROVED), birth_bill(B.PAID), True), htmx=True),
    # TRANSLATORS: states gallery, a state of a birth's page: registered, collected at an
    # office.
    State("birth-registered-office", GROUP, TITLE, _l("Registered, at an office"),
          lambda: request_page(asked(S.APPROVED, Delivery.OFFICE, bill_id=None),
                               registered=True)),
    # TRANSLATORS: states gallery, a state of a birth's page: the certificate was sent.
    State("birth-delivered", GROUP, TITLE, _l("Delivered"),
          lambda: request_page(asked(S.DELIVERED), birth_bill(B.PAID), True)),
    # TRANSLATORS: states gallery, a state of a birth's page: the delivery fee was refunded.
    State("birth-fee-refunded", GROUP, TITLE, _l("Delivery fee refunded"),
          lambda: request_page(asked(S.APPROVED), refunded_bill(), True)),
    State("birth-resident", GROUP, TITLE, _l("A resident: visit an office"), resident_page),
]
