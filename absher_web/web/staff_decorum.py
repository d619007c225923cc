"""Public decorum violations in the officer console: an officer of the decorum_officer role
records one (the person's ID, the item of the regulation's schedule, the place, the day and
time) in the city of their office; the fine is the schedule's, doubled for a repeat within
a year. Audited with the officer; the person is texted in their language after the commit.

Objections to violations are decided in the objections committee's queue
(web/staff_queues.py QUEUES, role objections_committee). An officer without the role gets
403 here, a citizen too (web/staff.STAFF_BLUEPRINTS).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from absher_web.agencies import decorum as schedule
from absher_web.extensions import client_address, db
from absher_web.forms.decorum import RecordViolationForm
from absher_web.forms.messages import message
from absher_web.models import StaffUser, utcnow
from absher_web.services import decorum, requests, staff
from absher_web.services.decorum import Refused
from absher_web.web.staff import signed_in_officer
from absher_web.web.staff_queues import CASE_OPENED, Case, officers_of

bp = Blueprint("staff_decorum", __name__, url_prefix="/<lang_code>/staff/decorum")

NOTICE_KEY = "staff_decorum_recorded"  # the number of the violation just recorded



# Recording is the decorum officers'; the committee's way in is the committee's.
officers_of(bp, staff.DECORUM_OFFICER,
            by_endpoint={"staff_decorum.objections": staff.OBJECTIONS_COMMITTEE})


def render_record(form: RecordViolationForm | None = None, status: int = 200,
                  recorded=None, **context):  # noqa: ANN001 (a DecorumViolation)
    return render_template("staff/decorum_record.html",
                           form=form or RecordViolationForm(formdata=None), recorded=recorded,
                           article_of=schedule.article, place_max=decorum.PLACE_MAX,
                           page_has_errors=status >= 400, **context), status


@bp.get("/record")
def record():
    number = session.pop(NOTICE_KEY, None)
    recorded = decorum.by_number(db.session, number) if isinstance(number, str) else None
    return render_record(recorded=recorded)


@bp.post("/record")
def record_sent() -> Response | tuple:
    officer = signed_in_officer()
    if not officer.city:
        abort(403)
    form = RecordViolationForm()
    now = utcnow()
    if not form.validate_on_submit():
        return render_record(form, 422)
    problem = form.when_problem(now)
    if problem:
        form.day.errors = [*form.day.errors,
                           message(problem, record_days=decorum.RECORD_PAST_DAYS)]
        return render_record(form, 422)
    made = decorum.record(db.session, officer, national_id=form.national_id.data,
                          code=form.article.data, place=form.place.data,
                          occurred_at=form.occurred_at(), now=now,
                          client_address=client_address())
    if isinstance(made, Refused):
        form.add_errors({"national_id": "decorum_person_unknown"})
        return render_record(form, 422)
    requests.commit_and_tell(db.session, now)
    session[NOTICE_KEY] = made.number
    return redirect(url_for(".record"), 303)


def objection_files(case: Case, _member: StaffUser) -> dict:
    """An objection opened by a committee member (who said why, staff_looks): the files
    the holder sent with it, to read."""
    return {"files": decorum.files_of(db.session, case.request)}


CASE_OPENED[staff.OBJECTIONS_COMMITTEE] = objection_files


@bp.get("/committee")
def objections() -> Response:
    """The committee's console, where an officer of both roles lands: its queue."""
    return redirect(url_for("staff_queues.queue", role=staff.OBJECTIONS_COMMITTEE), 303)
