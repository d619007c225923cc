"""The recruiters' queue of the officer console (Absher Employment): the job openings with
applications waiting, the applications to one opening (oldest first), one application (once
the recruiter said why they open it: services/staff_looks; then the registry's data as sent,
the qualification, the CV) and the decision: shortlist it, or decline it with a reason. Each
decision is a move of the request (services/employment.decide): made once however many
recruiters press at once, audited with the recruiter, texted to the holder after the
commit. Anyone signed in as an officer without the recruiter role gets 403; anyone else the
officers' sign-in.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from absher_web.agencies import job_openings
from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.forms.staff import LookReasonForm, RefuseRequestForm
from absher_web.models import JobOpening, RequestStatus, utcnow
from absher_web.replica import reads_may_lag
from absher_web.services import employment, requests, staff, staff_looks
from absher_web.web.employment import NAMES
from absher_web.web.staff import officer_signed_in_at, signed_in_officer
from absher_web.web.staff_queues import officers_of

bp = Blueprint("staff_employment", __name__, url_prefix="/<lang_code>/staff/recruitment")

# TRANSLATORS: A link in the officer console's menu, and the title of its page: the job
# applications (Absher Employment) waiting for a recruiter's decision.
QUEUE_TITLE = _l("Job applications")
NOTICE_KEY = "staff_employment_notice"  # what the last decision did: a key and a number

officers_of(bp, staff.RECRUITER)


def render_openings(waiting: list[tuple[JobOpening, int]], notice: dict | None = None,
                    **context):
    return render_template("staff/recruitment.html", waiting=waiting, notice=notice,
                           title=QUEUE_TITLE, names=NAMES, **context)


def render_queue(opening: JobOpening, found: list[employment.Applied],
                 notice: dict | None = None, **context):
    return render_template("staff/recruitment_opening.html", opening=opening, found=found,
                           notice=notice, title=QUEUE_TITLE, names=NAMES, **context)


def render_application(applied: employment.Applied, decline_form: RefuseRequestForm | None = None,
                       status: int = 200, **context):
    return render_template(
        "staff/recruitment_application.html", applied=applied, title=QUEUE_TITLE,
        names=NAMES, shortlist_form=ConfirmForm(formdata=None),
        decline_form=decline_form or RefuseRequestForm(formdata=None),
        open=applied.request.status is RequestStatus.SUBMITTED,
        page_has_errors=status >= 400, **context), status


@bp.get("")
@reads_may_lag
def queue():
    return render_openings(employment.openings_waiting(db.session),
                           session.pop(NOTICE_KEY, None))


@bp.get("/openings/<number>")
def opening(number: str):
    found = job_openings.opening_numbered(db.session, number)
    if found is None:
        abort(404)
    return render_queue(found, employment.queue_of(db.session, found),
                        session.pop(NOTICE_KEY, None))


def _applied(number: str) -> employment.Applied:
    found = employment.application_numbered(db.session, number)
    if found is None or found.application is None:
        abort(404)
    return found


def render_look_reason(applied: employment.Applied, form: LookReasonForm, status: int = 200,
                       **context):
    """The question asked before an application is shown: why the recruiter opens it."""
    return render_template("staff/recruitment_look_reason.html", applied=applied, form=form,
                           title=QUEUE_TITLE, page_has_errors=status >= 400,
                           **context), status


def opened(applied: employment.Applied) -> bool:
    """Whether this recruiter said why they open the applicant's record in this session."""
    return staff_looks.looked_since(db.session, signed_in_officer(),
                                    applied.request.beneficiary_id, officer_signed_in_at())


@bp.route("/applications/<number>", methods=["GET", "POST"])
def application(number: str):
    """The application, once the recruiter said why they open it (a look at the
    applicant's record, staff_looks): asked the first time in each officer session."""
    found = _applied(number)
    if request.method == "GET" and opened(found):
        return render_application(found)
    form = LookReasonForm()
    if not form.validate_on_submit():
        return render_look_reason(found, form, 422 if form.errors else 200)
    staff_looks.record(db.session, staff=signed_in_officer(),
                       person_national_id=found.request.beneficiary_id,
                       reason=staff_looks.reason_of(form), now=utcnow(), role=staff.RECRUITER)
    db.session.commit()
    return redirect(url_for(".application", number=number), 303)


@bp.post("/applications/<number>/shortlist")
def shortlist(number: str) -> Response:
    found = _applied(number)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".application", number=number), 303)
    return _decided(found, shortlist=True)


@bp.post("/applications/<number>/decline")
def decline(number: str):
    found = _applied(number)
    form = RefuseRequestForm()
    if not form.validate_on_submit():
        if not opened(found):  # the record was never opened in this session
            return redirect(url_for(".application", number=number), 303)
        return render_application(found, form, 422)
    return _decided(found, shortlist=False, note=form.reason.data)


def _decided(found: employment.Applied, shortlist: bool, note: str | None = None) -> Response:
    now = utcnow()
    made = employment.decide(db.session, found, shortlist, signed_in_officer(), now,
                             note=note, client_address=client_address())
    requests.commit_and_tell(db.session, now)
    key = ("staff_job_shortlisted" if shortlist else "staff_job_declined") if made \
        else "staff_request_already_decided"
    session[NOTICE_KEY] = {"key": key, "number": found.request.number}
    return redirect(url_for(".opening", number=found.opening.number), 303)
