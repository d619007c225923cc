"""Absher Employment (أبشر توظيف): the Ministry of Interior's job openings, searched by
anyone, and the applications signed-in holders send to them.

- The search (``search``): words in the title or the number, a sector, a region, a
  qualification, open ones only unless asked otherwise; one indexed query a page, a page
  one row longer than shown to know whether another follows (no count).
- Applying (``apply``): the holder's registry data as it stands (name, ID, date of birth,
  nationality: shown, never typed), the qualification they hold (from the list, at least
  the one the opening asks) and their CV (a PDF, services/uploads). One request
  (services/requests.py, key: the opening's number and the holder's ID), so one
  application an opening however many submits arrive at once. Refused (``Refusal``) after
  the closing date, when one is already sent, or when the opening's conditions exclude
  the holder: age on the closing date, Saudi nationality where it is required. An
  opening for men or for women says so on its page; the civil registry here records no
  sex, so that condition is shown, not checked.
- A recruiter (staff role ``recruiter``) reads the applications of one opening, oldest
  first, and shortlists one (APPROVED) or declines it with a reason (REFUSED): each a move
  of the request, once however many press at once, audited with the recruiter; the holder
  is texted in their language after the commit. The holder may withdraw one still
  submitted (My requests), and may then apply again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, job_openings
from absher_web.dates import local_today
from absher_web.models import (
    Account,
    JobApplication,
    JobOpening,
    JobRegion,
    JobSector,
    Person,
    PersonKind,
    Qualification,
    RequestStatus,
    ServiceRequest,
    StaffUser,
    Upload,
)
from absher_web.models.employment import JOB_APPLICATION
from absher_web.nationalities import SAUDI_ARABIA
from absher_web.services import audit, notices, requests, staff, uploads
from absher_web.services.acting_for import age_on

SERVICE = JOB_APPLICATION
S = RequestStatus
PAGE_SIZE = 20  # openings a page of the search shows
PAGES_MAX = 250  # a page number beyond this is refused (no deep offsets)
WORDS_MAX = 100  # characters of the search words
DECLINED = "declined"  # the request's reason when a recruiter declines it
QUEUE_SHOWN = requests.QUEUE_SHOWN
# The CV sent with an application: one PDF, read by the recruiters.
CV_PURPOSE = "job_cv"
uploads.register_purpose(CV_PURPOSE, kinds=(uploads.PDF,), staff_roles=(staff.RECRUITER,))


class Refusal(enum.StrEnum):
    """Why the holder cannot apply to an opening; each is worded on the page."""

    CLOSED = "closed"
    ALREADY_APPLIED = "already_applied"
    NOT_SAUDI = "not_saudi"
    TOO_YOUNG = "too_young"
    TOO_OLD = "too_old"


@dataclass(frozen=True)
class Search:
    """What the visitor asked for (already checked: web forms)."""

    words: str = ""
    sector: JobSector | None = None
    region: JobRegion | None = None
    qualification: Qualification | None = None
    include_closed: bool = False
    page: int = 1

    @property
    def filtered(self) -> bool:
        return bool(self.words or self.sector or self.region or self.qualification
                    or self.include_closed)


@dataclass(frozen=True)
class Results:
    openings: list[JobOpening]
    search: Search
    has_next: bool


def _like(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_query(wanted: Search, today: date):  # noqa: ANN201 (a Select)
    """The one query of a page of the search."""
    query = select(JobOpening)
    if not wanted.include_closed:
        query = query.where(JobOpening.closing_on >= today)
    if wanted.sector is not None:
        query = query.where(JobOpening.sector == wanted.sector)
    if wanted.region is not None:
        query = query.where(JobOpening.region == wanted.region)
    if wanted.qualification is not None:
        query = query.where(JobOpening.qualification == wanted.qualification)
    words = job_openings.folded(wanted.words)
    if words:
        query = query.where(JobOpening.search_text.like(_like(words), escape="\\"))
    return (query.order_by(JobOpening.closing_on, JobOpening.number)
            .offset((wanted.page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))


def search(session: Session, wanted: Search, now: datetime) -> Results:
    found = list(session.scalars(search_query(wanted, local_today(now))))
    return Results(found[:PAGE_SIZE], wanted, len(found) > PAGE_SIZE)


def is_closed(opening: JobOpening, today: date) -> bool:
    return today > opening.closing_on


# --- applying -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """The holder before one opening: their registry data, their age on the closing date,
    the application they sent (if one stands) and why they may not apply (if so)."""

    opening: JobOpening
    person: Person
    age: int
    application: ServiceRequest | None
    refusal: Refusal | None

    @property
    def saudi(self) -> bool:
        return is_saudi(self.person)


class Refused(Exception):
    """The holder may not apply now (the page shows the Standing's sentence)."""

    def __init__(self, standing: Standing) -> None:
        super().__init__(standing.refusal)
        self.standing = standing


class QualificationTooLow(ValueError):
    """The qualification chosen is below the one the opening asks (the form says so)."""


def is_saudi(person: Person) -> bool:
    return person.kind is PersonKind.CITIZEN and person.nationality == SAUDI_ARABIA


def key_of(opening: JobOpening, national_id: str) -> str:
    return f"{opening.number}:{national_id}"


def standing(session: Session, account: Account, opening: JobOpening,
             now: datetime) -> Standing:
    person = civil_registry.find_person(session, account.national_id)
    if person is None:
        raise LookupError(account.national_id)  # an active account's person is registered
    age = age_on(person.birth_date, opening.closing_on)
    found = requests.find(session, SERVICE, key_of(opening, account.national_id))
    refusal = None
    if found is not None:
        refusal = Refusal.ALREADY_APPLIED
    elif is_closed(opening, local_today(now)):
        refusal = Refusal.CLOSED
    elif opening.saudi_only and not is_saudi(person):
        refusal = Refusal.NOT_SAUDI
    elif opening.min_age is not None and age < opening.min_age:
        refusal = Refusal.TOO_YOUNG
    elif opening.max_age is not None and age > opening.max_age:
        refusal = Refusal.TOO_OLD
    return Standing(opening, person, age, found, refusal)


def apply(session: Session, account: Account, opening: JobOpening,
          qualification: Qualification, cv: Upload | None, now: datetime,
          client_address: str | None = None) -> ServiceRequest:
    """Send the application with its CV (an upload of CV_PURPOSE, accepted by the form):
    Refused when a rule says no (an application sent at the same moment elsewhere
    included), QualificationTooLow for a qualification below the opening's. The CV then
    belongs to the request (purged with it). Commits."""
    found = standing(session, account, opening, now)
    if found.refusal is not None:
        raise Refused(found)
    if qualification.rank < opening.qualification.rank:
        raise QualificationTooLow(qualification)
    person = found.person
    details = {"opening": opening.number, "title_ar": opening.title_ar,
               "title_en": opening.title_en, "name_ar": person.name_ar,
               "name_en": person.name_en, "birth_date": person.birth_date.isoformat(),
               "nationality": person.nationality, "qualification": qualification.value}
    made, new = requests.submit(session, service=SERVICE,
                                request_key=key_of(opening, account.national_id),
                                account=account, beneficiary_id=account.national_id, now=now,
                                details=details, client_address=client_address)
    if not new:
        session.rollback()
        raise Refused(standing(session, account, opening, now))
    if cv is not None:
        uploads.attach(session, [cv], uploads.request_holder(made.id), now)
    session.add(JobApplication(request_id=made.id, opening_id=opening.id,
                               account_id=account.id, qualification=qualification,
                               cv_file=cv.public_id if cv is not None else None,
                               created_at=now))
    session.commit()
    return made


@dataclass(frozen=True)
class Applied:
    """One of the holder's applications, with its opening (None once it was removed)."""

    request: ServiceRequest
    application: JobApplication | None

    @property
    def opening(self) -> JobOpening | None:
        return self.application.opening if self.application else None

    @property
    def birth_date(self) -> date | None:
        """The date of birth the registry held when the holder applied."""
        try:
            return date.fromisoformat(str(self.request.details.get("birth_date", "")))
        except ValueError:
            return None


def applications_of(session: Session, account: Account, limit: int = 100) -> list[Applied]:
    """The holder's applications, the newest first."""
    rows = session.execute(
        select(ServiceRequest, JobApplication)
        .outerjoin(JobApplication, JobApplication.request_id == ServiceRequest.id)
        .where(ServiceRequest.account_id == account.id, ServiceRequest.service == SERVICE)
        .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
        .limit(limit)).all()
    return [Applied(request, application) for request, application in rows]


# --- the recruiters -------------------------------------------------------------------------


def openings_waiting(session: Session, limit: int = QUEUE_SHOWN) -> list[tuple[JobOpening,
                                                                              int]]:
    """The openings with applications waiting for a recruiter, and how many, the opening
    closing first first."""
    waiting = (select(JobApplication.opening_id, func.count().label("waiting"))
               .join(ServiceRequest, ServiceRequest.id == JobApplication.request_id)
               .where(ServiceRequest.status == S.SUBMITTED,
                      ServiceRequest.service == SERVICE)
               .group_by(JobApplication.opening_id).subquery())
    return [(opening, count) for opening, count in session.execute(
        select(JobOpening, waiting.c.waiting)
        .join(waiting, waiting.c.opening_id == JobOpening.id)
        .order_by(JobOpening.closing_on, JobOpening.number).limit(limit)).all()]


def queue_query(opening: JobOpening, limit: int = QUEUE_SHOWN):  # noqa: ANN201 (a Select)
    return (select(JobApplication, ServiceRequest)
            .join(ServiceRequest, ServiceRequest.id == JobApplication.request_id)
            .where(JobApplication.opening_id == opening.id,
                   ServiceRequest.status == S.SUBMITTED)
            .order_by(JobApplication.id).limit(limit))


def queue_of(session: Session, opening: JobOpening) -> list[Applied]:
    """The applications to one opening waiting for a recruiter, the oldest first."""
    return [Applied(request, application)
            for application, request in session.execute(queue_query(opening)).all()]


def application_numbered(session: Session, number: str) -> Applied | None:
    found = requests.by_number(session, number)
    if found is None or found.service != SERVICE:
        return None
    application = session.scalars(select(JobApplication)
                                  .where(JobApplication.request_id == found.id)).first()
    return Applied(found, application)


def may_decide(recruiter: StaffUser | None) -> bool:
    return staff.has_role(recruiter, staff.RECRUITER)


def decide(session: Session, applied: Applied, shortlist: bool, recruiter: StaffUser,
           now: datetime, note: str | None = None,
           client_address: str | None = None) -> bool:
    """Shortlist or decline a submitted application: True if this decision was the one
    made (False: decided or withdrawn first). NotAllowed for anyone but a recruiter. The
    holder's notice is queued; the caller sends it with requests.commit_and_tell."""
    request = applied.request
    if not may_decide(recruiter) or request.service != SERVICE:
        raise requests.NotAllowed(request.number)
    values: dict[str, object] = {"decided_by": recruiter.id}
    if not shortlist:
        values["note"] = (note or "").strip()[:requests.NOTE_MAX] or None
        values["reason"] = DECLINED
    if not requests.move(session, request, S.APPROVED if shortlist else S.REFUSED, now,
                         staff_user_id=recruiter.id, client_address=client_address,
                         **values):
        return False
    # The recruiter's own record of the decision, with their name (the holder's activity
    # has the move itself: request_approved or request_refused).
    audit.record(session, "job_application_decided", now, None, client_address,
                 staff_user_id=recruiter.id, recruiter=recruiter.full_name,
                 application=request.number, holder_account=request.account_id,
                 shortlisted=shortlist)
    requests.tell_after_commit(session, notices.queue(
        session, notices.JOB_SHORTLISTED if shortlist else notices.JOB_DECLINED,
        request.account, now, number=request.number,
        opening=request.details.get("opening", "")))
    return True


# --- the holder's data ----------------------------------------------------------------------


def for_export(session: Session, account: Account) -> list[dict]:
    """The holder's job applications as their data export shows them (JSON-safe)."""
    return [{
        "section": "job_applications",
        "number": applied.request.number,
        "status": applied.request.status.value,
        "opening": applied.request.details.get("opening"),
        "title_ar": applied.request.details.get("title_ar"),
        "title_en": applied.request.details.get("title_en"),
        "qualification": applied.application.qualification.value
        if applied.application else applied.request.details.get("qualification"),
        "cv_file": applied.application.cv_file if applied.application else None,
        "sent_at": applied.request.created_at.isoformat(),
        "changed_at": applied.request.changed_at.isoformat(),
        "recruiter_note": applied.request.note,
    } for applied in applications_of(session, account, limit=1000)]


# --- the request kind -----------------------------------------------------------------------

# TRANSLATORS: The name of the service (أبشر توظيف: jobs at the Ministry of Interior), in the
# holder's requests and the recruiters' console.
TITLE = _l("Absher Employment")
# How an application's state reads to its holder (My job applications, My requests).
STATUS_NAMES = {
    # TRANSLATORS: The state of a job application: sent, a recruiter has not decided yet.
    RequestStatus.SUBMITTED: _l("Sent, waiting for a recruiter"),
    # TRANSLATORS: The state of a job application: a recruiter shortlisted it.
    RequestStatus.APPROVED: _l("Shortlisted"),
    # TRANSLATORS: The state of a job application: a recruiter declined it.
    RequestStatus.REFUSED: _l("Not accepted"),
    # TRANSLATORS: The state of a job application: the holder withdrew it.
    RequestStatus.CANCELLED: _l("Withdrawn by you"),
}


requests.register(requests.Kind(
    SERVICE, title=TITLE, role=staff.RECRUITER, endpoint="job_applications.index",
    reasons={
        # TRANSLATORS: On My requests, why a job application was refused: a recruiter of
        # the Ministry did not shortlist it (their own words follow).
        DECLINED: _l("Not shortlisted by the recruiter")},
    detail_labels={
        # TRANSLATORS: A label: the number of the job opening an application is for.
        "opening": _l("Job opening"),
        # TRANSLATORS: A label: the qualification the applicant holds.
        "qualification": _l("Qualification")},
    status_names=STATUS_NAMES))
