"""The holder's rights over their own data: who looked at it, and a copy to take away.

/<lang>/account/my-data/looks: "Who looked at my data" (services/staff_looks.py), every
time an officer opened the holder's record, newest first, a page at a time (?before=, a
keyset cursor); the officer's role, office and reason, never their name.

/<lang>/account/my-data/download: "Download my data" (services/data_exports.py): ask for a
copy, see it being prepared, download it while it is offered. The download asks for the
password again (checked under the sign-in lock rules): a session left open on a shared
computer, or a stolen cookie, must not be enough to carry away everything held about the
holder, and a password typed now proves more than a sign-in some minutes ago. Only the
owner's own export is ever read (by their account id), so no one else's can be named.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.forms.data_rights import DownloadDataForm
from absher_web.models import utcnow
from absher_web.services import audit, data_exports, signin, staff_looks
from absher_web.services.policies import current_policies
from absher_web.web.guards import require_active_account

bp = Blueprint("data_rights", __name__, url_prefix="/<lang_code>/account/my-data")

# TRANSLATORS: The name of the page listing each time an officer opened the holder's record:
# its heading, title and link on My data.
LOOKS_TITLE = _l("Who looked at my data")
LOOKS_EXPLANATION = _l("Once your account is activated, this page lists every time an "
                       "officer opened your record. Activate it in one of these ways:")
# TRANSLATORS: The name of the page where the holder asks for a copy of all their data and
# downloads it: its heading, title and link on My data.
DOWNLOAD_TITLE = _l("Download my data")
DOWNLOAD_EXPLANATION = _l("Once your account is activated, you can download a copy of "
                          "everything Absher holds about you. Activate it in one of these "
                          "ways:")


@bp.after_request
def never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # the holder's own data
    return response


@bp.get("/looks")
@require_active_account(LOOKS_TITLE, LOOKS_EXPLANATION)
def looks() -> str:
    before = request.args.get("before")
    return render_looks(staff_looks.of_person(db.session, current_user.account.national_id,
                                              before if isinstance(before, str) else None),
                        first=not before)


def render_looks(page: staff_looks.Page, first: bool, **context):
    return render_template("account/looks.html", page=page, first=first,
                           role_name=staff_looks.role_name, reason_text=staff_looks.reason_text,
                           **context)


def _pause() -> timedelta:
    return timedelta(seconds=current_app.config["DATA_EXPORT_PAUSE_SECONDS"])


def render_download(form: DownloadDataForm | None = None, status: int = 200,
                    state: data_exports.State | None = None, now: datetime | None = None,
                    **context):
    """The page, with where the holder's copy stands (``state``: read when not given)."""
    now = now or utcnow()
    state = state or data_exports.state_of(db.session, current_user.account, now, _pause())
    keep = timedelta(seconds=current_app.config["DATA_EXPORT_KEEP_SECONDS"])
    return render_template(
        "account/download.html", state=state, may_ask=state.may_ask(now),
        ask_form=ConfirmForm(formdata=None), form=form or DownloadDataForm(formdata=None),
        sections=data_exports.SECTIONS, keep_days=max(1, round(keep.total_seconds() / 86400)),
        page_has_errors=status >= 400, **context), status


@bp.get("/download")
@require_active_account(DOWNLOAD_TITLE, DOWNLOAD_EXPLANATION)
def download_page():
    return render_download()


@bp.post("/download/ask")
@require_active_account(DOWNLOAD_TITLE, DOWNLOAD_EXPLANATION)
def ask() -> Response:
    if ConfirmForm().validate_on_submit():
        data_exports.ask(db.session, current_user.account, str(get_locale()), utcnow(),
                         _pause(), client_address())
    return redirect(url_for(".download_page"), 303)


@bp.post("/download")
@require_active_account(DOWNLOAD_TITLE, DOWNLOAD_EXPLANATION)
def download():
    account, now = current_user.account, utcnow()
    export = data_exports.offered(db.session, account, now)
    if export is None:  # none of this holder's is offered (expired while the page was open)
        abort(404)
    form = DownloadDataForm()
    if not form.validate_on_submit():
        return render_download(form, status=422)
    check = signin.check_account_password(db.session, account, form.password.data,
                                          current_policies().bcrypt_rounds, now,
                                          client_address())
    refused = signin.password_asked_again_problem(check, "current_password_wrong")
    if refused:
        form.add_errors({"password": refused})
        return render_download(form, status=422)
    content = export.content
    audit.record(db.session, "data_export_downloaded", now, account.id, client_address())
    db.session.commit()
    return send_file(BytesIO(content), mimetype="application/zip", as_attachment=True,
                     download_name=data_exports.ZIP_NAME, max_age=0)
