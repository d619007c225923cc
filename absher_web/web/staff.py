"""The Passports office officer console: sign-in, account lookup and in-person activation.

Officers are not citizens: their session lives under its own keys, never through
Flask-Login, and each side gets 403 on the other's pages (see keep_roles_apart).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from absher_web import dates
from absher_web.extensions import client_address, db, limiter
from absher_web.forms.common import ConfirmForm
from absher_web.forms.messages import message
from absher_web.forms.staff import ActivateForm, LookUpForm, StaffSignInForm
from absher_web.identity import mask_mobile
from absher_web.models import Account, StaffUser, utcnow
from absher_web.services import activation, staff
from absher_web.services.policies import current_policies
from absher_web.text import constant_time_equal
from absher_web.web.flow import ltr
from absher_web.web.sessions import clear_but_language, expiry_reason

bp = Blueprint("staff", __name__, url_prefix="/<lang_code>/staff")

OFFICER_ID_KEY = "staff_officer_id"
OFFICER_TOKEN_KEY = "staff_session_token"
SEEN_KEY = "staff_last_seen"
SIGNED_IN_KEY = "staff_signed_in_at"
SIGNED_OUT_KEY = "staff_signed_out_reason"
NOTICE_KEY = "staff_notice"

# Citizens' pages an officer may not open; public pages and the citizen sign-in stay open.
CITIZEN_BLUEPRINTS = {"account", "changes", "security_questions"}
CITIZEN_ENDPOINTS = {"auth.sign_out", "auth.sign_out_everywhere"}


# --- the officer's session -----------------------------------------------------------------


def signed_in_officer() -> StaffUser | None:
    """The officer this session belongs to, checked against the stored token once a request."""
    if "staff_officer" not in g:
        g.staff_officer = load_officer()
    return g.staff_officer


def load_officer() -> StaffUser | None:
    officer_id, token = session.get(OFFICER_ID_KEY), session.get(OFFICER_TOKEN_KEY)
    if not isinstance(officer_id, int) or not isinstance(token, str):
        return None
    officer = db.session.get(StaffUser, officer_id)
    if officer is None or not officer.is_active:
        return None
    return officer if constant_time_equal(officer.session_token, token) else None


def start_officer_session(officer: StaffUser) -> None:
    """A fresh session for the officer: any citizen's session in this browser ends here."""
    clear_but_language()
    session[OFFICER_ID_KEY], session[OFFICER_TOKEN_KEY] = officer.id, officer.session_token
    session[SEEN_KEY] = session[SIGNED_IN_KEY] = utcnow().timestamp()
    g.staff_officer = officer


def end_officer_session(reason: str | None = None) -> None:
    clear_but_language()
    g.staff_officer = None
    if reason:
        session[SIGNED_OUT_KEY] = reason


def keep_roles_apart() -> None:
    """The one place roles are kept apart; also ends idle or stale officer sessions.

    A signed-in citizen gets 403 on every /staff page, a signed-in officer on the
    citizens' account pages. Runs after sessions.end_expired_sessions, so an idle
    citizen is already signed out here.
    """
    if OFFICER_ID_KEY in session:
        now = utcnow()
        expired = expiry_reason(session.get(SEEN_KEY), session.get(SIGNED_IN_KEY), now)
        if signed_in_officer() is None:
            end_officer_session()
        elif expired:
            end_officer_session(expired)
        elif request.blueprint in CITIZEN_BLUEPRINTS or request.endpoint in CITIZEN_ENDPOINTS:
            abort(403)
        else:
            session[SEEN_KEY] = now.timestamp()
    if request.blueprint == bp.name and current_user.is_authenticated:
        abort(403)


@bp.before_request
def officers_only() -> Response | None:
    if request.endpoint != "staff.sign_in" and signed_in_officer() is None:
        return redirect(url_for(".sign_in"), 303)
    return None


@bp.after_request
def never_cached(response: Response) -> Response:
    # What an officer sees is someone else's personal data.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def officer_context() -> dict:
    if request.blueprint != bp.name or signed_in_officer() is None:
        return {}
    return {"officer": signed_in_officer(), "staff_sign_out_form": ConfirmForm(formdata=None)}


# --- views ---------------------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_STAFF_SIGN_IN"], methods=["POST"])
def sign_in():
    if signed_in_officer() is not None:
        return redirect(url_for(".home"), 303)
    form = StaffSignInForm()
    problem = None
    if form.validate_on_submit():
        attempt = staff.sign_in(db.session, form.username.data, form.password.data,
                                current_policies().bcrypt_rounds, utcnow(), client_address())
        if attempt.result is staff.SignInResult.SIGNED_IN:
            start_officer_session(attempt.officer)
            return redirect(url_for(".home"), 303)
        if attempt.result is staff.SignInResult.LOCKED:
            problem = message("staff_sign_in_locked",
                              time=dates.date_and_time(attempt.locked_until))
        else:
            problem = message("staff_sign_in_rejected")
    notice = session.pop(SIGNED_OUT_KEY, None) if request.method == "GET" else None
    status = 422 if form.errors or problem else 200
    return render_template("staff/sign_in.html", form=form, problem=problem, notice=notice,
                           page_has_errors=status >= 400), status


@bp.route("/", methods=["GET", "POST"])
def home():
    """The search form; a POST looks an account up (a POST, because each lookup is audited)."""
    form = LookUpForm()
    if form.validate_on_submit():
        account = staff.look_up_account(db.session, signed_in_officer(), form.national_id.data,
                                        utcnow(), client_address())
        return console(form, looked_up=True, account=account)
    notice = session.pop(NOTICE_KEY, None) if request.method == "GET" else None
    if notice:
        noticed = db.session.get(Account, notice["account_id"])
        notice = {"key": notice["key"], "national_id": noticed.national_id} if noticed else None
    return console(form, notice=notice, status=422 if form.errors else 200)


@bp.post("/activate")
def activate():
    form = ActivateForm()
    if not form.validate_on_submit():
        if form.national_id.errors:
            abort(400)  # the lookup result always carries a valid number: altered by hand
        # Shown again with the checkbox's error: a lookup like any other, so audited.
        account = staff.look_up_account(db.session, signed_in_officer(), form.national_id.data,
                                        utcnow(), client_address())
        return console(LookUpForm(formdata=None, national_id=form.national_id.data),
                       looked_up=True, account=account, activate_form=form, status=422)
    national_id = form.national_id.data
    account = activation.account_by_national_id(db.session, national_id)
    if account is None:
        return console(LookUpForm(formdata=None, national_id=national_id), looked_up=True)
    outcome = activation.activate_in_person(db.session, account, signed_in_officer(), utcnow(),
                                            client_address())
    if outcome is activation.Refusal.ALREADY_ACTIVE:
        key = "staff_already_active"
    else:
        sent = activation.save_and_notify(db.session, account, utcnow())
        key = "staff_account_activated" if sent else "staff_account_activated_sms_failed"
    # The cookie is signed, not secret: it carries the account's row id, not the ID number.
    session[NOTICE_KEY] = {"key": key, "account_id": account.id}
    return redirect(url_for(".home"), 303)


@bp.get("/activate")
def activate_page() -> Response:
    # The language switch on a refused activation links here: back to the search.
    return redirect(url_for(".home"), 303)


@bp.post("/sign-out")
def sign_out() -> Response:
    if ConfirmForm().validate_on_submit():
        staff.sign_out(db.session, signed_in_officer(), utcnow(), client_address())
        db.session.commit()
        end_officer_session("signed_out")
    return redirect(url_for(".sign_in"), 303)


def console(form: LookUpForm, looked_up: bool = False, account: Account | None = None,
            activate_form: ActivateForm | None = None, notice: dict | None = None,
            status: int = 200):
    """The console home, with a lookup's result when there is one."""
    due = activation.pending_until(db.session, account) if account else None
    if account and activate_form is None:
        activate_form = ActivateForm(formdata=None, national_id=account.national_id)
    return render_template(
        "staff/home.html", form=form, looked_up=looked_up, account=account,
        person=account.person if account else None, due=due, activate_form=activate_form,
        masked_mobile=ltr(mask_mobile(account.mobile)) if account else None,
        notice=notice, page_has_errors=status >= 400,
    ), status


def init_app(app: Flask) -> None:
    # After sessions.init_app: an idle citizen is signed out before roles are compared.
    app.before_request(keep_roles_apart)
