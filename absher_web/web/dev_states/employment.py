"""Absher Employment: the openings (results, a filtered search, none found, none open, a
search refused), one opening (open, closed), the application (the form, sent empty, a
qualification too low, each refusal: closed, too old, not Saudi, already applied), My job
applications (every state, after applying, none), and the recruiters' queue (openings
waiting, none; one opening's applications, none; one application: open, its reason
missing, decided). From fixture data, never stored."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from absher_web.forms.common import ConfirmForm
from absher_web.forms.employment import QUALIFICATION_NAMES, ApplicationForm, OpeningSearchForm
from absher_web.forms.messages import message
from absher_web.forms.staff import LookReasonForm, RefuseRequestForm
from absher_web.models import (
    JobApplication,
    JobGender,
    JobOpening,
    JobRegion,
    JobSector,
    PersonKind,
    Qualification,
    RequestStatus,
    ServiceRequest,
)
from absher_web.services import employment
from absher_web.services.employment import Refusal, Results, Search, Standing
from absher_web.web import employment as views
from absher_web.web import staff_employment as console
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import BLANK, EMPTY, State, account_page, form_of
from absher_web.web.dev_states.requests import officer_page

# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Absher Employment")
TITLE = views.TITLE
# TRANSLATORS: The states gallery for testers (development only): a page's name: one job
# opening.
OPENING = _l("A job opening")
# TRANSLATORS: The states gallery for testers (development only): a page's name: the
# application to a job opening.
APPLY = _l("Applying to a job opening")
MINE = views.APPLICATIONS_TITLE
QUEUE = console.QUEUE_TITLE
# TRANSLATORS: The states gallery for testers (development only): a page's name: the
# applications to one job opening in the recruiters' queue.
OPENING_QUEUE = _l("The applications to one opening")
# TRANSLATORS: The states gallery for testers (development only): a page's name: one job
# application in the recruiters' queue.
CASE = _l("A job application in the recruiters' queue")
NOW = fx.NOW
TODAY = fx.TODAY
S = RequestStatus


def opening(number: str = "MOI-2026-0101", days: int = 20, **values) -> JobOpening:
    made = dict(id=int(number[-3:]), number=number, title_ar="جندي أمن عام",
                title_en="Public security soldier", sector=JobSector.PUBLIC_SECURITY,
                region=JobRegion.RIYADH, qualification=Qualification.SECONDARY,
                closing_on=TODAY + timedelta(days=days), min_age=18, max_age=30,
                saudi_only=True, gender=JobGender.MEN,
                conditions_ar="اللياقة الطبية، وألا يكون محكومًا عليه بحد شرعي.",
                conditions_en="Medically fit, and no conviction under a hadd penalty.",
                search_text="")
    made.update(values)
    return JobOpening(**made)


def every_opening() -> list[JobOpening]:
    return [opening(),
            opening("MOI-2026-0103", 24, title_ar="مفتش جوازات", title_en="Passports inspector",
                    sector=JobSector.PASSPORTS, region=JobRegion.MAKKAH,
                    qualification=Qualification.DIPLOMA, max_age=40, gender=None),
            opening("MOI-2026-0105", 60, title_ar="طبيب استشاري",
                    title_en="Consultant physician", sector=JobSector.HEADQUARTERS,
                    qualification=Qualification.DOCTORATE, min_age=None, max_age=None,
                    saudi_only=False, gender=None, conditions_ar="", conditions_en="")]


def search_page(results: Results | None, typed: dict | None = None, status: int = 200):
    form = OpeningSearchForm(formdata=MultiDict(typed) if typed else None)
    if typed:
        form.validate()
    return views.render_openings(form, results, status, now=NOW)


def results(found: list[JobOpening], has_next: bool = False, **wanted) -> Results:
    return Results(found, Search(**wanted), has_next)


def opening_page(found: JobOpening):
    return views.render_opening(found, now=NOW)


def standing(found: JobOpening | None = None, refusal: Refusal | None = None,
             age: int = 26, person=None) -> Standing:  # noqa: ANN001
    found = found or opening()
    application = asked("5012837465", S.SUBMITTED) if refusal is Refusal.ALREADY_APPLIED \
        else None
    return Standing(found, person or fx.person(), age, application, refusal)


def apply_page(found: Standing, typed: dict | None = None, too_low: bool = False):
    form = form_of(ApplicationForm, typed)
    if too_low:
        form.qualification.errors = [*form.qualification.errors, message(
            "jobs_qualification_too_low",
            qualification=QUALIFICATION_NAMES[found.opening.qualification])]
    status = 422 if typed is not None else (409 if found.refusal else 200)
    return views.render_apply(found, status, form, sign_out_form=ConfirmForm(formdata=None))


def resident():  # noqa: ANN201 (a Person)
    found = fx.person()
    found.kind, found.nationality = PersonKind.RESIDENT, "EGY"
    return found


def asked(number: str, status: RequestStatus, days: int = 2, found: JobOpening | None = None,
          **values) -> ServiceRequest:
    found = found or opening()
    holder = fx.person()
    return ServiceRequest(
        id=int(number[:4]), number=number, service=employment.SERVICE,
        request_key=f"{found.number}:{holder.national_id}", account_id=1,
        beneficiary_id=holder.national_id, status=status,
        details={"opening": found.number, "title_ar": found.title_ar,
                 "title_en": found.title_en, "name_ar": holder.name_ar,
                 "name_en": holder.name_en, "birth_date": holder.birth_date.isoformat(),
                 "nationality": holder.nationality, "qualification": "bachelor"},
        created_at=NOW - timedelta(days=days), changed_at=NOW - timedelta(hours=days),
        **values)


def applied(number: str, status: RequestStatus, found: JobOpening | None = None,
            **values) -> employment.Applied:
    found = found or opening()
    request = asked(number, status, found=found, **values)
    application = JobApplication(id=request.id, request_id=request.id, opening_id=found.id,
                                 account_id=1, qualification=Qualification.BACHELOR,
                                 cv_file=f"cv{number}AbCdEfGhIjKlMn"[:24],
                                 created_at=request.created_at)
    application.opening = found
    return employment.Applied(request, application)


def every_application() -> list[employment.Applied]:
    inspector, physician = every_opening()[1:]
    return [applied("5012837465", S.SUBMITTED),
            applied("5023948576", S.APPROVED, inspector, decided_by=1),
            applied("5034059687", S.REFUSED, physician, reason=employment.DECLINED,
                    note="The opening asks for five years of practice after the "
                         "specialty.", decided_by=1),
            applied("5045160798", S.CANCELLED, opening("MOI-2026-0107", title_ar="فني اتصالات",
                                                       title_en="Communications technician"))]


def mine(found: list | None = None, notice: dict | None = None):
    return account_page("account/job_applications.html", found=every_application()
                        if found is None else found, notice=notice, names=views.NAMES,
                        status_names=views.STATUS_NAMES, title=views.APPLICATIONS_TITLE)


def queue(full: bool = True, notice: dict | None = None):
    waiting = list(zip(every_opening(), (3, 1, 12), strict=True)) if full else []
    return officer_page(console.render_openings, waiting, notice, officer=recruiter())


def opening_queue(full: bool = True, notice: dict | None = None):
    found = [applied("5012837465", S.SUBMITTED), applied("5056271809", S.SUBMITTED)] \
        if full else []
    return officer_page(console.render_queue, opening(), found, notice, officer=recruiter())


def case(status: RequestStatus = S.SUBMITTED, typed: dict | None = None):
    form = form_of(RefuseRequestForm, typed)
    return officer_page(console.render_application, applied("5012837465", status), form,
                        422 if typed is not None else 200, officer=recruiter())


def look_reason(typed: dict | None = None):
    form = form_of(LookReasonForm, typed)
    return officer_page(console.render_look_reason, applied("5012837465", S.SUBMITTED), form,
                        422 if typed is not None else 200, officer=recruiter())


def recruiter():  # noqa: ANN201 (a StaffUser)
    found = fx.officer()
    found.roles, found.city, found.office = ["recruiter"], None, "Ministry of Interior"
    return found


STATES: list[State] = [
    # TRANSLATORS: states gallery, a state of the job openings: the open ones listed, with a
    # link to the next page.
    State("jobs", GROUP, TITLE, _l("Open openings, more on the next page"),
          lambda: search_page(results(every_opening(), has_next=True))),
    # TRANSLATORS: states gallery, a state of the job openings: searched and filtered, the
    # second page, closed ones included.
    State("jobs-filtered", GROUP, TITLE, _l("Filtered, second page, closed ones included"),
          lambda: search_page(results([opening("MOI-2026-0099", -3), opening()], page=2,
                                      include_closed=True, sector=JobSector.PUBLIC_SECURITY),
                              {"q": "soldier", "sector": "public_security", "closed": "y",
                               "page": "2"})),
    # TRANSLATORS: states gallery, a state of the job openings: the search found none.
    State("jobs-none-found", GROUP, TITLE, _l("Nothing matches the search"),
          lambda: search_page(results([], words="astronaut"), {"q": "astronaut"})),
    # TRANSLATORS: states gallery, a state of the job openings: no opening is open.
    State("jobs-none-open", GROUP, TITLE, _l("No opening open"),
          lambda: search_page(results([]))),
    # TRANSLATORS: states gallery, a state of the job openings: the address asked for a
    # filter value that does not exist (422).
    State("jobs-refused", GROUP, TITLE, _l("A search the list does not have (422)"),
          lambda: search_page(None, {"sector": "army", "page": "0"}, 422)),
    State("job", GROUP, OPENING, BLANK, lambda: opening_page(opening())),
    # TRANSLATORS: states gallery, a state of a job opening: its closing date passed.
    State("job-closed", GROUP, OPENING, _l("Closed"),
          lambda: opening_page(opening(days=-3, gender=None, saudi_only=False,
                                       min_age=None))),
    State("job-apply", GROUP, APPLY, BLANK, lambda: apply_page(standing()), htmx=True),
    State("job-apply-empty", GROUP, APPLY, EMPTY, lambda: apply_page(standing(), {}),
          htmx=True),
    # TRANSLATORS: states gallery, a state of a job application: the qualification chosen
    # is below the one the opening asks (422).
    State("job-apply-too-low", GROUP, APPLY, _l("Qualification too low (422)"),
          lambda: apply_page(standing(opening(qualification=Qualification.BACHELOR)),
                             {"qualification": "diploma"}, too_low=True)),
    # TRANSLATORS: states gallery, a state of a job application: refused, the opening
    # closed.
    State("job-apply-closed", GROUP, APPLY, _l("Refused: closed"),
          lambda: apply_page(standing(opening(days=-2), Refusal.CLOSED))),
    # TRANSLATORS: states gallery, a state of a job application: refused, the holder is
    # older than the opening allows.
    State("job-apply-too-old", GROUP, APPLY, _l("Refused: too old"),
          lambda: apply_page(standing(refusal=Refusal.TOO_OLD, age=36))),
    # TRANSLATORS: states gallery, a state of a job application: refused, the holder is
    # younger than the opening allows.
    State("job-apply-too-young", GROUP, APPLY, _l("Refused: too young"),
          lambda: apply_page(standing(refusal=Refusal.TOO_YOUNG, age=17))),
    # TRANSLATORS: states gallery, a state of a job application: refused, the opening is for
    # Saudi nationals and the holder is a resident.
    State("job-apply-not-saudi", GROUP, APPLY, _l("Refused: not a Saudi national"),
          lambda: apply_page(standing(refusal=Refusal.NOT_SAUDI, person=resident()))),
    # TRANSLATORS: states gallery, a state of a job application: refused, the holder
    # applied already.
    State("job-apply-already", GROUP, APPLY, _l("Refused: applied already"),
          lambda: apply_page(standing(refusal=Refusal.ALREADY_APPLIED))),
    # TRANSLATORS: states gallery, a state of My job applications: one in every state.
    State("job-applications", GROUP, MINE, _l("Applications in every state"), mine),
    # TRANSLATORS: states gallery, a state of My job applications: just after applying.
    State("job-applications-applied", GROUP, MINE, _l("Just applied"),
          partial(mine, None, {"key": "jobs_applied", "number": "5012837465"})),
    # TRANSLATORS: states gallery, a state of My job applications: none yet.
    State("job-applications-none", GROUP, MINE, _l("None yet"), partial(mine, [])),
    # TRANSLATORS: states gallery, a state of the recruiters' queue: openings with
    # applications waiting.
    State("staff-recruitment", GROUP, QUEUE, _l("Applications waiting"), queue),
    # TRANSLATORS: states gallery, a state of the recruiters' queue: nothing waits.
    State("staff-recruitment-empty", GROUP, QUEUE, _l("Nothing waiting"),
          partial(queue, False)),
    State("staff-recruitment-opening", GROUP, OPENING_QUEUE, _l("Applications waiting"),
          opening_queue),
    # TRANSLATORS: states gallery, a state of the applications to one opening: after a
    # recruiter shortlisted one, none waits.
    State("staff-recruitment-opening-decided", GROUP, OPENING_QUEUE,
          _l("After a shortlisting, nothing waiting"),
          partial(opening_queue, False, {"key": "staff_job_shortlisted",
                                         "number": "5012837465"})),
    # TRANSLATORS: states gallery, a state of a job application in the recruiters' queue:
    # the question why the recruiter opens it, before it is shown.
    State("staff-recruitment-application-why", GROUP, CASE, _l("Why it is opened, asked first"),
          look_reason),
    # TRANSLATORS: states gallery, a state of a job application in the recruiters' queue:
    # "another reason" chosen without the recruiter's words (422).
    State("staff-recruitment-application-why-missing", GROUP, CASE,
          _l("Another reason without words (422)"), partial(look_reason, {"look_reason": "other"})),
    State("staff-recruitment-application", GROUP, CASE, BLANK, case),
    # TRANSLATORS: states gallery, a state of a job application in the recruiters' queue:
    # declined without a reason (422).
    State("staff-recruitment-application-no-reason", GROUP, CASE,
          _l("Declined without a reason (422)"), partial(case, S.SUBMITTED, {"reason": ""})),
    # TRANSLATORS: states gallery, a state of a job application in the recruiters' queue:
    # decided already.
    State("staff-recruitment-application-decided", GROUP, CASE, _l("Decided already"),
          partial(case, S.APPROVED)),
]
