"""Residency and visas' test records: a worker (a resident in the civil registry, with a
passport and health insurance) sponsored by a holder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from absher_web.extensions import db
from absher_web.models import Passport, SponsoredKind, Sponsorship, utcnow
from absher_web.services.eservices import local_today

URL = "/en/account/services/residency-and-visas"


@dataclass
class Worker:
    person_id: str
    sponsorship_id: int


def add_worker(app, make_person, sponsor_id: str, iqama_days: int = 400,
               passport_days: int | None = 900, insured_days: int | None = 200,
               name_en: str = "Raju Kumar") -> Worker:
    today = local_today(utcnow())
    person_id = make_person("2", name_ar="راجو كومار", name_en=name_en, nationality="IND",
                            id_expiry=today + timedelta(days=iqama_days))
    with app.app_context(), db.transaction() as session:
        record = Sponsorship(
            sponsor_id=sponsor_id, person_id=person_id, name_ar="راجو كومار",
            name_en=name_en, kind=SponsoredKind.WORKER, nationality="IND",
            permit_expiry=today + timedelta(days=iqama_days),
            health_insurer="Bupa Arabia" if insured_days is not None else None,
            health_insurance_expiry=(today + timedelta(days=insured_days)
                                     if insured_days is not None else None),
            entry_date=today - timedelta(days=700))
        session.add(record)
        if passport_days is not None:
            session.add(Passport(person_id=person_id, number=f"P{person_id[1:9]}",
                                 issuing_country="IND", issued_on=today - timedelta(days=300),
                                 expires_on=today + timedelta(days=passport_days)))
        session.flush()
        return Worker(person_id, record.id)
