"""Changing the password, mobile number, email address and preferred language.

Each page works without JavaScript; the change of mobile swaps its code step
in place with htmx and is its own page without it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_login import current_user, login_user

from absher_web.extensions import db, limiter
from absher_web.forms.account_changes import (
    ChangeEmailForm,
    ChangeLanguageForm,
    ChangeMobileForm,
    ChangePasswordForm,
)
from absher_web.forms.common import CodeForm, ConfirmForm
from absher_web.identity import mask_mobile
from absher_web.models import utcnow
from absher_web.services import account_changes
from absher_web.services.policies import current_policies
from absher_web.web import inbox
from absher_web.web.account import ACCOUNT_NOTICE_KEY
from absher_web.web.account_limits import counted_per_account
from absher_web.web.code_step import CodeStep, Sending
from absher_web.web.flow import go_to, ltr, render_step
from absher_web.web.guards import signed_in_only
from absher_web.web.sessions import SignedInUser

bp = Blueprint("changes", __name__, url_prefix="/<lang_code>/account")

MOBILE_FLOW_KEY = "mobile_change_flow"
TEXTED_ALREADY = {"account_password_changed"}  # its SMS is in the inbox (services/notices)
CODE_STEP = CodeStep("changes.mobile_code", "account/change_mobile_code.html",
                     "mobile_change_notice")


def changed(notice: str, lang_code: str | None = None):
    """Back to the account home, which says what changed (kept in the inbox too, in the
    language of that page, unless a text message told it already)."""
    session[ACCOUNT_NOTICE_KEY] = notice
    if notice not in TEXTED_ALREADY:
        with force_locale(lang_code or get_locale().language):
            inbox.keep_message(notice, "account.home")
        db.session.commit()
    return go_to(url_for("account.home", **({"lang_code": lang_code} if lang_code else {})))


@bp.route("/password", methods=["GET", "POST"])
@signed_in_only
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"])
def password():
    account = current_user.account
    form = ChangePasswordForm(username=account.username)
    if form.validate_on_submit():
        outcome = account_changes.change_password(
            db.session, current_policies(), account, form.current_password.data,
            form.new_password.data, utcnow(), request.remote_addr, current_user.device.id)
        if outcome.ok:
            # Every other session has ended; this browser gets the new token.
            login_user(SignedInUser(account, current_user.device))
            return changed("account_password_changed")
        form.add_errors(outcome.errors)
    return render_step("account/change_password.html", 422 if form.errors else 200, form=form)


@bp.route("/mobile", methods=["GET", "POST"])
@signed_in_only
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"])
# Counted before the code is sent, given back when none went: a mistyped number costs nothing.
@counted_per_account("RATELIMIT_CHANGE_MOBILE",
                     lambda response: response.status_code in (200, 303))
def mobile():
    form = ChangeMobileForm()
    if form.validate_on_submit():
        outcome = account_changes.start_mobile_change(db.session, current_policies(),
                                                      current_user.account, form.mobile.data,
                                                      utcnow())
        form.add_errors(outcome.errors)
        if outcome.flow_id:
            session[MOBILE_FLOW_KEY] = outcome.flow_id
            return CODE_STEP.after_sending(Sending(outcome.error), outcome.mobile)
    return mobile_step(form, 422 if form.errors else 200)


def pending_mobile() -> str | None:
    return account_changes.mobile_of_flow(current_user.account, session.get(MOBILE_FLOW_KEY))


@bp.route("/mobile/code", methods=["GET", "POST"])
@signed_in_only
def mobile_code():
    new_mobile = pending_mobile()
    if new_mobile is None:
        return redirect(url_for(".mobile"), 303)
    form = CodeForm()
    if form.validate_on_submit():
        outcome = account_changes.finish_mobile_change(
            db.session, current_policies(), current_user.account, session[MOBILE_FLOW_KEY],
            form.code.data, utcnow(), request.remote_addr)
        if outcome.ok:
            session.pop(MOBILE_FLOW_KEY, None)
            return changed("account_mobile_changed")
        if outcome.error:  # another account took the number while the code was on its way
            session.pop(MOBILE_FLOW_KEY, None)
            start = ChangeMobileForm(formdata=None, mobile=new_mobile)
            start.add_errors({"mobile": outcome.error})
            return mobile_step(start, 409)
        form.add_errors(outcome.errors)
    return CODE_STEP.page(form, new_mobile)


@bp.post("/mobile/code/resend")
@signed_in_only
@limiter.limit(lambda: current_app.config["RATELIMIT_RESEND"])
def mobile_code_resend():
    new_mobile = pending_mobile()
    if new_mobile is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for(".mobile"), 303)
    outcome = account_changes.send_mobile_code(db.session, current_policies(), current_user.account,
                                               session[MOBILE_FLOW_KEY], utcnow())
    return CODE_STEP.after_sending(Sending(outcome.error, again=True), new_mobile)


def mobile_step(form: ChangeMobileForm, status: int):
    return render_step("account/change_mobile.html", status, form=form,
                       current_mobile=ltr(mask_mobile(current_user.account.mobile)))


@bp.route("/email", methods=["GET", "POST"])
@signed_in_only
def email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        outcome = account_changes.change_email(db.session, current_user.account, form.email.data,
                                               utcnow(), request.remote_addr)
        if outcome.ok:
            return changed("account_email_changed")
        form.add_errors(outcome.errors)
    return render_step("account/change_email.html", 422 if form.errors else 200, form=form,
                       current_email=current_user.account.email)


@bp.route("/language", methods=["GET", "POST"])
@signed_in_only
def language():
    account = current_user.account
    form = ChangeLanguageForm(preferred_language=account.preferred_language.value)
    if form.validate_on_submit():
        outcome = account_changes.change_language(db.session, account,
                                                  form.preferred_language.data, utcnow(),
                                                  request.remote_addr)
        if outcome.ok:
            # The new language applies at once: the next page is in it.
            return changed("account_language_saved", account.preferred_language.value)
        form.add_errors(outcome.errors)
    return render_step("account/change_language.html", 422 if form.errors else 200, form=form)
