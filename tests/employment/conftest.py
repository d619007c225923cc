"""A citizen of 33 (signed in, active account), a resident, the job openings (an open one
for Saudis aged 18 to 40, one for everyone, one closed, one for ages 18 to 25), a recruiter
signed in to the console, and helpers for the application and the decisions."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from absher_web.agencies import job_openings
from absher_web.agencies.job_openings import OpeningEntry
from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    JobApplication,
    JobRegion,
    JobSector,
    Qualification,
    ServiceRequest,
    utcnow,
)
from absher_web.services import employment
from absher_web.services.eservices import local_today
from tests.account.conftest import Citizen, csrf_of
from tests.files.conftest import plain_pdf
from tests.staff.conftest import Console
from tests.staff.test_civil_affairs import officer_console

TODAY = local_today(utcnow())
OPEN, EVERYONE, CLOSED, YOUNG = "MOI-T-0001", "MOI-T-0002", "MOI-T-0003", "MOI-T-0004"
PDF = plain_pdf()


def entry(number: str, *, days: int = 20, low: int | None = 18, high: int | None = 40,
          saudi: bool = True, qualification: Qualification = Qualification.SECONDARY,
          sector: JobSector = JobSector.PUBLIC_SECURITY, region: JobRegion = JobRegion.RIYADH,
          title_en: str = "Security soldier", title_ar: str = "جندي أمن") -> OpeningEntry:
    return OpeningEntry(number, title_ar, title_en, sector, region, qualification,
                        TODAY + timedelta(days=days), low, high, saudi, None, "", "")


def add_openings(app, *entries: OpeningEntry) -> None:
    with app.app_context(), db.transaction() as session:
        job_openings.import_openings(session, list(entries))


class Applicant(Citizen):
    def token(self, number: str = OPEN) -> str:
        return csrf_of(self.client.get(f"/{self.lang}/account/jobs/{number}/apply"))

    def apply(self, number: str = OPEN, qualification: str = "bachelor", client=None,
              token: str | None = None, cv: tuple[bytes, str] | None = None):
        data = {"csrf_token": token or self.token(number), "qualification": qualification}
        content, name = cv if cv is not None else (PDF, "my cv.pdf")
        if content:
            data["cv"] = (io.BytesIO(content), name)
        return (client or self.client).post(
            f"/{self.lang}/account/jobs/{number}/apply", data=data,
            content_type="multipart/form-data")

    def withdraw(self, number: str):
        page = self.client.get(f"/en/account/requests/{number}/withdraw")
        return self.client.post(f"/en/account/requests/{number}/withdraw",
                                data={"csrf_token": csrf_of(page)})


@pytest.fixture
def openings(app) -> None:
    add_openings(app, entry(OPEN), entry(EVERYONE, saudi=False, low=None, high=None,
                                         title_en="Consultant physician",
                                         title_ar="طبيب استشاري",
                                         sector=JobSector.HEADQUARTERS,
                                         region=JobRegion.EASTERN,
                                         qualification=Qualification.DOCTORATE),
                 entry(CLOSED, days=-1), entry(YOUNG, low=18, high=25))


@pytest.fixture
def applicant(app, client, make_account, sms_outbox, openings) -> Applicant:
    account = make_account(state=ActivationState.ACTIVE,
                           birth_date=date(TODAY.year - 33, 1, 15))
    found = Applicant(client, account, sms_outbox)
    found.sign_in()
    return found


@pytest.fixture
def resident(app, make_account, sms_outbox, openings) -> Applicant:
    account = make_account(first_digit="2", state=ActivationState.ACTIVE)
    found = Applicant(app.test_client(), account, sms_outbox)
    found.sign_in()
    return found


def recruiter(app, username: str = "r.alharbi", roles=("recruiter",)) -> Console:
    return officer_console(app, username, roles, None)


def applications(app) -> list[ServiceRequest]:
    with app.app_context():
        found = list(db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.service == employment.SERVICE).order_by(ServiceRequest.id)))
        db.session.expunge_all()
    return found


def the_application(app) -> ServiceRequest:
    found = applications(app)
    assert len(found) == 1, found
    return found[0]


def rows(app) -> int:
    with app.app_context():
        return len(list(db.session.scalars(select(JobApplication.id))))
