"""The officer console: the one officer sign-in, and the Passports office's pages (account
lookup, and what an officer does for a holder whose fingerprints they verified: activate
the account, change its mobile number with a code the holder reads out, unlock it).

An officer's roles decide which consoles they open (services/staff.ROLES): the Passports
pages answer 403 to an officer without the passports role; the Civil Affairs queue is
web/staff_queues.py. After sign-in an officer lands on the first console their roles allow.

Officers are not citizens: their session lives under its own keys, never through
Flask-Login, and each side gets 403 on the other's pages (see keep_roles_apart).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

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
from absher_web.forms.staff import (
    ActivateForm,
    ChangeMobileForm,
    HolderCodeForm,
    LookUpForm,
    StaffSignInForm,
    UnlockForm,
)
from absher_web.identity import mask_mobile
from absher_web.models import Account, CodePurpose, StaffUser, utcnow
from absher_web.services import account_locks, activation, assisted_mobile, staff, staff_looks
from absher_web.services.policies import current_policies
from absher_web.text import constant_time_equal
from absher_web.web.flow import ltr
from absher_web.web.page_cache import prepared_form
from absher_web.web.sessions import clear_but_language, expiry_reason

bp = Blueprint("staff", __name__, url_prefix="/<lang_code>/staff")

OFFICER_ID_KEY = "staff_officer_id"
OFFICER_TOKEN_KEY = "staff_session_token"
SEEN_KEY = "staff_last_seen"
SIGNED_IN_KEY = "staff_signed_in_at"
SIGNED_OUT_KEY = "staff_signed_out_reason"
NOTICE_KEY = "staff_notice"
MOBILE_FLOW_KEY = "staff_mobile_flow"  # the change of mobile under way: its flow id only
MOBILE_REASON_KEY = "staff_mobile_reason"  # and the reason its lookup gave (staff_looks)
SENDING_KEY = "staff_mobile_sending"  # what became of the last request for a code

# Citizens' pages an officer may not open: every page under /<lang>/account (the account,
# its changes, security questions, e-services: a prefix, so no new blueprint is missed), and
# the citizen sign-outs. Public pages and the citizen sign-in stay open.
CITIZEN_AREA = "/<lang_code>/account/"
CITIZEN_ENDPOINTS = {"auth.sign_out", "auth.sign_out_everywhere"}
# Every blueprint of the officer console (web/staff_queues.py adds the queues).
STAFF_BLUEPRINTS = {"staff", "staff_queues", "staff_passports",
                    "staff_files"}
STAFF_BLUEPRINTS |= {"staff_tahseen"}  # Tahseen tickets (web/staff_tahseen.py)
STAFF_BLUEPRINTS |= {"staff_decorum"}
# The console of each role, in the order an officer with several lands on them.
CONSOLES = ((staff.PASSPORTS, "staff.home"), (staff.CIVIL_AFFAIRS, "staff_queues.queue"),
            (staff.RECRUITER, "staff_employment.queue"),
            (staff.DECORUM_OFFICER, "staff_decorum.record"),
            (staff.OBJECTIONS_COMMITTEE, "staff_decorum.objections"))
# Pages of this blueprint any signed-in officer opens, whatever their roles.
EVERY_OFFICER = {"staff.sign_in", "staff.sign_out"}


def in_citizen_area() -> bool:
    rule = request.url_rule.rule if request.url_rule is not None else ""
    return (f"{rule}/".startswith(CITIZEN_AREA)
            or request.endpoint in CITIZEN_ENDPOINTS)


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


def officer_signed_in_at() -> datetime:
    """When this officer session began (its sign-in)."""
    started = session.get(SIGNED_IN_KEY)
    return datetime.fromtimestamp(started, UTC) if isinstance(started, (int, float)) \
        else utcnow()


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
        elif in_citizen_area():
            abort(403)
        else:
            session[SEEN_KEY] = now.timestamp()
    if request.blueprint in STAFF_BLUEPRINTS and current_user.is_authenticated:
        abort(403)


def landing() -> str:
    """Where a signed-in officer starts: the first console their roles allow."""
    officer = signed_in_officer()
    return next((url_for(endpoint) for role, endpoint in CONSOLES
                 if staff.has_role(officer, role)), url_for("staff.home"))


@bp.before_request
def officers_only() -> Response | None:
    if request.endpoint != "staff.sign_in" and signed_in_officer() is None:
        return redirect(url_for(".sign_in"), 303)
    if request.endpoint not in EVERY_OFFICER and not staff.has_role(signed_in_officer(),
                                                                    staff.PASSPORTS):
        abort(403)
    return None


@bp.after_request
def never_cached(response: Response) -> Response:
    # What an officer sees is someone else's personal data.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def officer_context() -> dict:
    if request.blueprint not in STAFF_BLUEPRINTS or signed_in_officer() is None:
        return {}
    return {"officer": signed_in_officer(), "staff_sign_out_form": ConfirmForm(formdata=None)}


# --- views ---------------------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@prepared_form("staff/sign_in.html", lambda _query: {
    "form": StaffSignInForm(), "problem": None, "notice": None, "page_has_errors": False},
    notice_key=SIGNED_OUT_KEY)
@limiter.limit(lambda: current_app.config["RATELIMIT_STAFF_SIGN_IN"], methods=["POST"])
def sign_in():
    if signed_in_officer() is not None:
        return redirect(landing(), 303)
    form = StaffSignInForm()
    problem = None
    if form.validate_on_submit():
        attempt = staff.sign_in(db.session, form.username.data, form.password.data,
                                current_policies().bcrypt_rounds, utcnow(), client_address())
        if attempt.result is staff.SignInResult.SIGNED_IN:
            start_officer_session(attempt.officer)
            return redirect(landing(), 303)
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
                                        utcnow(), client_address(), staff_looks.reason_of(form))
        return console(form, looked_up=True, account=account)
    notice = session.pop(NOTICE_KEY, None) if request.method == "GET" else None
    if notice:
        noticed = db.session.get(Account, notice["account_id"])
        notice = {"key": notice["key"], "national_id": noticed.national_id,
                  "mobile": noticed.mobile} if noticed else None
    return console(form, notice=notice, status=422 if form.errors else 200)


@bp.post("/activate")
def activate():
    form = ActivateForm()
    if not form.validate_on_submit():
        return show_again("activate_form", form)
    account = activation.account_by_national_id(db.session, form.national_id.data)
    if account is None:
        return console(LookUpForm(formdata=None, national_id=form.national_id.data),
                       looked_up=True)
    outcome = activation.activate_in_person(db.session, account, signed_in_officer(), utcnow(),
                                            client_address())
    if outcome is activation.Refusal.ALREADY_ACTIVE:
        key = "staff_already_active"
    else:
        sent = activation.save_and_notify(db.session, account, utcnow())
        key = "staff_account_activated" if sent else "staff_account_activated_sms_failed"
    return done(key, account)


@bp.post("/unlock")
def unlock():
    form = UnlockForm()
    if not form.validate_on_submit():
        return show_again("unlock_form", form)
    account = activation.account_by_national_id(db.session, form.national_id.data)
    if account is None:
        return console(LookUpForm(formdata=None, national_id=form.national_id.data),
                       looked_up=True)
    lifted = account_locks.unlock(db.session, account, utcnow(), signed_in_officer(),
                                  client_address())
    db.session.commit()
    return done("staff_account_unlocked" if lifted.any else "staff_not_locked", account)


# --- a new mobile number: the number, then the code the holder reads out ----------------------


@bp.post("/mobile")
def change_mobile():
    form = ChangeMobileForm()
    if not form.validate_on_submit():
        return show_again("mobile_form", form)
    account = activation.account_by_national_id(db.session, form.national_id.data)
    if account is None:
        return console(LookUpForm(formdata=None, national_id=form.national_id.data),
                       looked_up=True)
    outcome = assisted_mobile.new_number(db.session, account, form.mobile.data)
    if outcome.ok:
        officer = signed_in_officer()
        flow_id = f"office.{officer.id}.{account.id}.{secrets.token_urlsafe(16)}"
        outcome = assisted_mobile.send_code(db.session, current_policies(),
                                            CodePurpose.OFFICE_MOBILE, flow_id, account,
                                            outcome.mobile, utcnow())
        if outcome.ok:
            session[MOBILE_FLOW_KEY], session[SENDING_KEY] = flow_id, "sent"
            session[MOBILE_REASON_KEY] = [form.look_reason.data, form.look_note.data]
            return redirect(url_for(".mobile_code"), 303)
        # The code did not leave (or may not yet): said by the number, which is kept.
        outcome.errors = {"mobile": outcome.problem}
    form.add_errors(outcome.errors)
    return show_again("mobile_form", form)


def mobile_flow() -> tuple[str, Account, str] | None:
    """The flow id, account and new number of this officer's change under way, if any."""
    flow_id = session.get(MOBILE_FLOW_KEY)
    parts = flow_id.split(".") if isinstance(flow_id, str) else []
    officer = signed_in_officer()
    if len(parts) != 4 or parts[1] != str(officer.id) or not parts[2].isdigit():
        return None
    account = db.session.get(Account, int(parts[2]))
    mobile = assisted_mobile.pending_number(db.session, CodePurpose.OFFICE_MOBILE, flow_id)
    return (flow_id, account, mobile) if account and mobile else None


@bp.route("/mobile/code", methods=["GET", "POST"])
def mobile_code():
    flow = mobile_flow()
    if flow is None:
        return redirect(url_for(".home"), 303)
    flow_id, account, mobile = flow
    form = HolderCodeForm()
    if form.validate_on_submit():
        outcome = assisted_mobile.confirm(
            db.session, current_policies(), CodePurpose.OFFICE_MOBILE, flow_id, account,
            form.code.data, utcnow(), "mobile_changed_at_office", client_address(),
            staff_user_id=signed_in_officer().id, office=signed_in_officer().office)
        if outcome.ok:
            session.pop(MOBILE_FLOW_KEY, None)
            session.pop(MOBILE_REASON_KEY, None)
            return done("staff_mobile_changed" if outcome.notice_sent
                        else "staff_mobile_changed_sms_failed", account)
        if outcome.problem:  # another account took the number while the code was on its way
            session.pop(MOBILE_FLOW_KEY, None)
            reason, note = session.pop(MOBILE_REASON_KEY, None) or (None, None)
            start = ChangeMobileForm(formdata=None, national_id=account.national_id,
                                     mobile=mobile, look_reason=reason, look_note=note)
            start.add_errors({"mobile": "staff_mobile_change_taken"})
            return show_again("mobile_form", start, status=409)
        form.add_errors(outcome.errors)
    sending = session.pop(SENDING_KEY, None) if request.method == "GET" else None
    return render_template("staff/mobile_code.html", form=form, resend_form=ConfirmForm(
        formdata=None), mobile=ltr(mobile), sending=sending,
        page_has_errors=bool(form.errors) or sending not in (None, "sent", "sent_again")), \
        422 if form.errors else 200


@bp.post("/mobile/code/resend")
def mobile_code_resend() -> Response:
    flow = mobile_flow()
    if flow is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for(".home"), 303)
    flow_id, account, mobile = flow
    outcome = assisted_mobile.send_code(db.session, current_policies(),
                                        CodePurpose.OFFICE_MOBILE, flow_id, account, mobile,
                                        utcnow())
    session[SENDING_KEY] = outcome.problem or "sent_again"
    return redirect(url_for(".mobile_code"), 303)


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


def done(key: str, account: Account) -> Response:
    """Back to the search, which says what was done (once)."""
    # The cookie is signed, not secret: it carries the account's row id, not the ID number.
    session[NOTICE_KEY] = {"key": key, "account_id": account.id}
    return redirect(url_for(".home"), 303)


def show_again(form_name: str, form, status: int = 422):  # noqa: ANN001 (one of the forms)
    """The lookup result again, with ``form``'s errors: a lookup like any other, so audited."""
    reason = staff_looks.reason_or_none(form)
    if form.national_id.errors or reason is None:
        abort(400)  # the lookup result always carries a valid number and reason: altered
    account = staff.look_up_account(db.session, signed_in_officer(), form.national_id.data,
                                    utcnow(), client_address(), reason)
    return console(LookUpForm(formdata=None, national_id=form.national_id.data,
                              look_reason=reason.key, look_note=reason.note),
                   looked_up=True, account=account, status=status, **{form_name: form})


def console(form: LookUpForm, looked_up: bool = False, account: Account | None = None,
            activate_form: ActivateForm | None = None,
            mobile_form: ChangeMobileForm | None = None, unlock_form: UnlockForm | None = None,
            notice: dict | None = None, status: int = 200):
    """The console home, with a lookup's result when there is one."""
    due = activation.pending_until(db.session, account) if account else None
    if account:
        holder = {"formdata": None, "national_id": account.national_id,
                  "look_reason": form.look_reason.data, "look_note": form.look_note.data}
        activate_form = activate_form or ActivateForm(**holder)
        mobile_form = mobile_form or ChangeMobileForm(**holder)
        unlock_form = unlock_form or UnlockForm(**holder)
    failed = next((f for f in (activate_form, mobile_form, unlock_form) if f and f.errors), form)
    return render_template(
        "staff/home.html", form=form, looked_up=looked_up, account=account,
        person=account.person if account else None, due=due, activate_form=activate_form,
        mobile_form=mobile_form, unlock_form=unlock_form, failed_form=failed,
        locks=account_locks.locks_of(account, utcnow()) if account else None,
        masked_mobile=ltr(mask_mobile(account.mobile)) if account else None,
        notice=notice, page_has_errors=status >= 400,
    ), status


def init_app(app: Flask) -> None:
    # After sessions.init_app: an idle citizen is signed out before roles are compared.
    app.before_request(keep_roles_apart)
