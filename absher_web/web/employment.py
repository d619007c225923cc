"""Absher Employment (أبشر توظيف): the Ministry of Interior's job openings for anyone (the
search, a GET form whose choices stay in the URL, paginated; one opening with its
conditions), and for a signed-in holder with an active account the application and My job
applications. The rules are in services/employment.py; withdrawing goes through My
requests (web/my_requests.py)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from absher_web.agencies import job_openings
from absher_web.dates import local_today
from absher_web.extensions import client_address, db
from absher_web.forms.employment import (
    GENDER_NAMES,
    QUALIFICATION_NAMES,
    REGION_NAMES,
    SECTOR_NAMES,
    ApplicationForm,
    OpeningSearchForm,
)
from absher_web.forms.messages import message
from absher_web.models import JobOpening, Qualification, utcnow
from absher_web.services import employment
from absher_web.services.employment import Results, Standing
from absher_web.web.files import takes_files
from absher_web.web.flow import render_step
from absher_web.web.guards import require_active_account, signed_in_only

bp = Blueprint("employment", __name__, url_prefix="/<lang_code>/jobs")
account_bp = Blueprint("job_applications", __name__,
                       url_prefix="/<lang_code>/account/jobs")

TITLE = employment.TITLE
# TRANSLATORS: The heading of the page listing the holder's job applications and their
# states (Absher Employment), and its link.
APPLICATIONS_TITLE = _l("My job applications")
EXPLANATION = _l("Once your account is activated, you can apply here to the Ministry of "
                 "Interior's job openings with the data the civil registry holds about you. "
                 "Activate it in one of these ways:")
NOTICE_KEY = "job_applications_notice"  # what the last application did: a key and a number
NAMES = {"sector": SECTOR_NAMES, "region": REGION_NAMES,
         "qualification": QUALIFICATION_NAMES, "gender": GENDER_NAMES}
STATUS_NAMES = employment.STATUS_NAMES  # how an application's state reads


def _page_link(form: OpeningSearchForm):  # noqa: ANN202 (a function for the template)
    """The address of another page of the same search."""
    kept = {name: value for name, value in request.args.items(multi=False)
            if name in ("q", "sector", "region", "qualification", "closed") and value}

    def link(page: int) -> str:
        return url_for("employment.openings", **kept, **({"page": page} if page > 1 else {}))

    return link


def render_openings(form: OpeningSearchForm, results: Results | None, status: int = 200,
                    **context):
    return render_template("public/jobs.html", form=form, results=results, names=NAMES,
                           title=TITLE, page_link=_page_link(form),
                           today=local_today(context.pop("now", None)
                                                        or utcnow()), **context), status


@bp.get("")
def openings():
    form = OpeningSearchForm(formdata=request.args or None)
    if request.args and not form.validate():
        return render_openings(form, None, 422)
    return render_openings(form, employment.search(db.session, form.search(), utcnow()))


def render_opening(opening: JobOpening, **context):
    return render_template("public/job.html", opening=opening, names=NAMES, title=TITLE,
                           closed=employment.is_closed(opening, local_today(
                               context.pop("now", None) or utcnow())), **context)


def _opening(number: str) -> JobOpening:
    found = job_openings.opening_numbered(db.session, number)
    if found is None:
        abort(404)
    return found


@bp.get("/<number>")
def opening(number: str):
    return render_opening(_opening(number))


# --- the holder's side ---------------------------------------------------------------------


def render_apply(found: Standing, status: int = 200, form: ApplicationForm | None = None,
                 **context):
    return render_step("account/job_apply.html", status, found=found,
                       form=form or ApplicationForm(formdata=None), names=NAMES,
                       title=TITLE, Refusal=employment.Refusal, **context)


def render_applications(found: list[employment.Applied], notice: dict | None = None,
                        **context):
    return render_template("account/job_applications.html", found=found, notice=notice,
                           names=NAMES, status_names=STATUS_NAMES,
                           title=APPLICATIONS_TITLE, **context)


@account_bp.route("/<number>/apply", methods=["GET", "POST"])
@require_active_account(TITLE, EXPLANATION)
@takes_files
def apply(number: str):
    wanted = _opening(number)
    account = current_user.account
    found = employment.standing(db.session, account, wanted, utcnow())
    if found.refusal is not None:
        return render_apply(found, 409 if request.method == "POST" else 200)
    if request.method == "GET":
        return render_apply(found)
    form = ApplicationForm()
    if not form.validate_on_submit():
        return render_apply(found, 422, form)
    try:
        made = employment.apply(db.session, account, wanted, Qualification(
            form.qualification.data), form.cv.uploads[0], utcnow(), client_address())
    except employment.Refused as refused:
        return render_apply(refused.standing, 409)
    except employment.QualificationTooLow:
        form.qualification.errors = [*form.qualification.errors, message(
            "jobs_qualification_too_low",
            qualification=QUALIFICATION_NAMES[wanted.qualification])]
        return render_apply(found, 422, form)
    session[NOTICE_KEY] = {"key": "jobs_applied", "number": made.number}
    return redirect(url_for(".index"), 303)


@account_bp.get("")
@signed_in_only
def index():
    return render_applications(employment.applications_of(db.session, current_user.account),
                               session.pop(NOTICE_KEY, None))
