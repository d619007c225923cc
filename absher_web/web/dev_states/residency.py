"""Residency and visas in the states gallery: the page with residents in every state
(valid, expiring, no passport, a visa issued, used, cancelled, closed by a final exit),
each step's answer, and the printable visa, from fixture data."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.forms.residency import (
    ConfirmExtendForm,
    ConfirmFinalExitForm,
    ConfirmRenewForm,
    ConfirmVisaForm,
)
from absher_web.models import (
    Passport,
    Person,
    PersonKind,
    SponsoredKind,
    Sponsorship,
    Visa,
    VisaKind,
    VisaStatus,
)
from absher_web.services import acting_for, iqamas, residency
from absher_web.services.policies import ResidencyPolicy
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import State
from absher_web.web.eservices import residency as page

TODAY = fx.TODAY
NOW = fx.NOW


def resident_person(number: str = "2234567891", name_ar: str = "راجو كومار",
                    name_en: str = "Raju Kumar", iqama_days: int = 400) -> Person:
    return Person(national_id=number, kind=PersonKind.RESIDENT, name_ar=name_ar,
                  name_en=name_en, birth_date=date(1988, 4, 2), nationality="IND",
                  id_expiry=TODAY + timedelta(days=iqama_days), city="الرياض",
                  district="حي النخيل")


def visa(id: int, person_id: str, kind: VisaKind = VisaKind.SINGLE,  # noqa: A002
         status: VisaStatus = VisaStatus.ISSUED, months: int = 3) -> Visa:
    return Visa(id=id, number=f"{4_100_000_000 + id}", person_id=person_id, kind=kind,
                status=status, open_for=person_id if status is VisaStatus.ISSUED else None,
                issued_by=1, issued_on=TODAY - timedelta(days=5),
                valid_until=residency.add_months(TODAY - timedelta(days=5), months),
                months=months, fee=residency.visa_fee(ResidencyPolicy(), kind, months)
                if kind is not VisaKind.FINAL_EXIT else 0, created_at=NOW, changed_at=NOW)


def residents() -> list[residency.Resident]:
    worker = resident_person()
    wife = resident_person("2345678912", "فاطمة علي", "Fatima Ali", iqama_days=20)
    driver = resident_person("2456789123", "كمال بيريرا", "Kamal Perera", iqama_days=-3)
    leaving = resident_person("2567891234", "محمد رحمن", "Mohammed Rahman")
    return [
        residency.Resident(
            worker, acting_for.Relation.SPONSOR,
            Passport(person_id=worker.national_id, number="P1234567", issuing_country="IND",
                     issued_on=TODAY - timedelta(days=400),
                     expires_on=TODAY + timedelta(days=1400)),
            Sponsorship(person_id=worker.national_id, sponsor_id=fx.DEMO_IDS[0],
                        name_ar=worker.name_ar, name_en=worker.name_en,
                        kind=SponsoredKind.WORKER, nationality="IND",
                        permit_expiry=worker.id_expiry, health_insurer="Bupa Arabia",
                        health_insurance_expiry=TODAY + timedelta(days=200)),
            [visa(71, worker.national_id), visa(70, worker.national_id,
                                                status=VisaStatus.USED),
             visa(69, worker.national_id, VisaKind.MULTIPLE, VisaStatus.CANCELLED)], 0),
        residency.Resident(wife, acting_for.Relation.HEAD, None, None, [], 0),
        residency.Resident(
            driver, acting_for.Relation.SPONSOR,
            Passport(person_id=driver.national_id, number="N7654321", issuing_country="LKA",
                     issued_on=TODAY - timedelta(days=3000),
                     expires_on=TODAY - timedelta(days=10)), None, [], 500),
        residency.Resident(leaving, acting_for.Relation.SPONSOR, None, None,
                           [visa(72, leaving.national_id, VisaKind.FINAL_EXIT)], 0),
    ]


def overview(open_bills: bool = False) -> dict:
    bills = [fx.bill(81, residency.VISA_BILLS, "2234567891:single:2027-02-25", 30000,
                     beneficiary="2234567891", person_id="2234567891", kind="single",
                     months=3, valid_until="2027-02-25")] if open_bills else []
    return {"residents": residents(), "policy": ResidencyPolicy(), "today": TODAY,
            "open_bills": bills, "bill_people": {b.beneficiary_id: resident_person()
                                                 for b in bills},
            "bill_until": {b.id: date.fromisoformat(b.details["valid_until"]) for b in bills},
            "now": NOW, "once_paid": page.once_paid(), "kinds": page.KINDS,
            "statuses": page.STATUSES}


def _quote() -> dict:
    quote = residency.VisaQuote(resident_person(), VisaKind.SINGLE, 3,
                                residency.add_months(TODAY, 3), 30000)
    return {"quote": quote, "confirm_form": ConfirmVisaForm(formdata=None)}


def _extension() -> dict:
    held = visa(71, "2234567891")
    quote = residency.ExtensionQuote(held, resident_person(), 2,
                                     residency.add_months(held.valid_until, 2), 20000)
    return {"extension": quote, "extend_form": ConfirmExtendForm(formdata=None)}


def _renewal() -> dict:
    person = resident_person(iqama_days=30)
    quote = iqamas.RenewalQuote(person, 2, person.id_expiry,
                                   residency.add_months(person.id_expiry, 24), 130000)
    return {"renewal": quote, "renew_form": ConfirmRenewForm(formdata=None)}


def _final_exit() -> dict:
    quote = iqamas.FinalExitQuote(resident_person("2567891234", "محمد رحمن",
                                                     "Mohammed Rahman"),
                                     TODAY + timedelta(days=60))
    return {"final_exit": quote, "final_exit_form": ConfirmFinalExitForm(formdata=None)}


def _refused(reason: residency.Refusal, on: date | None = None,
             amount: int | None = None) -> dict:
    return {"refusal": page.refusal_text(residency.Refused(reason, resident_person(), on,
                                                           amount))}


# TRANSLATORS: states gallery, a state of an e-service page with a fee: its bill was issued.
BILLED = _l("Bill issued")
ANSWERS = (
    # TRANSLATORS: states gallery, a state of the Residency and visas page: a visa's fee and
    # dates, with the button that confirms it.
    ("quote", _l("Visa fee and dates, to confirm"), _quote, None),
    # TRANSLATORS: states gallery, a state of the Residency and visas page: an extension's fee
    # and new day, with the button that confirms it.
    ("extension", _l("Extension fee and new day, to confirm"), _extension, None),
    # TRANSLATORS: states gallery, a state of the Residency and visas page: an iqama
    # renewal's fee and new expiry, with the button that confirms it.
    ("renewal", _l("Iqama renewal fee and new expiry, to confirm"), _renewal, None),
    # TRANSLATORS: states gallery, a state of the Residency and visas page: a final exit
    # visa's last day to leave, with the button that issues it.
    ("final-exit", _l("Final exit visa, to confirm"), _final_exit, None),
    ("billed", BILLED, lambda: {**overview(open_bills=True),
                                "notice": "The bill for the visa of Raju Kumar is issued."},
     None),
    *((f"refused-{reason.value.replace('_', '-')}", _l("Change refused"),
       partial(_refused, reason, on, amount), None)
      for reason, on, amount in (
          (residency.Refusal.IQAMA_SHORT, TODAY + timedelta(days=20), None),
          (residency.Refusal.IQAMA_EXPIRED, TODAY - timedelta(days=3), None),
          (residency.Refusal.PASSPORT_SHORT, TODAY + timedelta(days=60), None),
          (residency.Refusal.NO_PASSPORT, None, None),
          (residency.Refusal.OPEN_VISA, TODAY + timedelta(days=40), None),
          (residency.Refusal.TOO_LONG, None, 24),
          (residency.Refusal.DATE_PAST, TODAY - timedelta(days=1), None),
          (residency.Refusal.NOT_OPEN, TODAY, None),
          (residency.Refusal.CLOSED, None, None),
          (residency.Refusal.CHANGED, None, None),
          (residency.Refusal.TOO_EARLY, TODAY + timedelta(days=40), None),
          (residency.Refusal.YEARS, None, 3),
          (residency.Refusal.NO_INSURANCE, None, None),
          (residency.Refusal.INSURANCE_EXPIRED, TODAY - timedelta(days=2), None),
          (residency.Refusal.UNPAID_FINES, None, 500),
          (residency.Refusal.PASSPORT_EXPIRED, TODAY + timedelta(days=30), None))),
)


def _document(kind: VisaKind, status: VisaStatus = VisaStatus.ISSUED):
    return page.render_visa(visa(71, "2234567891", kind, status), resident_person())


# TRANSLATORS: states gallery, the printable visa page.
DOCUMENT = _l("Printable visa")
STATES = [
    State("residency-visa-single", _l("E-services"), DOCUMENT,
          # TRANSLATORS: states gallery, a state of the printable visa: a single exit and
          # re-entry visa, issued.
          _l("Single exit and re-entry, issued"), partial(_document, VisaKind.SINGLE)),
    State("residency-visa-multiple-used", _l("E-services"), DOCUMENT,
          # TRANSLATORS: states gallery, a state of the printable visa: a multiple exit and
          # re-entry visa, used.
          _l("Multiple exit and re-entry, used"),
          partial(_document, VisaKind.MULTIPLE, VisaStatus.USED)),
    State("residency-visa-final-exit", _l("E-services"), DOCUMENT,
          # TRANSLATORS: states gallery, a state of the printable visa: a final exit visa.
          _l("Final exit"), partial(_document, VisaKind.FINAL_EXIT)),
]


