"""Security questions: set after the first sign-in (before anything else), changed later."""

from __future__ import annotations

from flask import Blueprint, current_app, request, session, url_for
from flask_login import current_user, login_required

from absher_web.extensions import db, limiter
from absher_web.forms.security_questions import ChangeSecurityQuestionsForm, SecurityQuestionsForm
from absher_web.models import utcnow
from absher_web.services import security_questions
from absher_web.services.policies import current_policies
from absher_web.web import inbox
from absher_web.web.account import ACCOUNT_NOTICE_KEY
from absher_web.web.flow import go_to, render_step

bp = Blueprint("security_questions", __name__, url_prefix="/<lang_code>/account/security-questions")


@bp.route("", methods=["GET", "POST"])
@login_required
# Changing needs the password: this bounds guessing from a session left open.
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"])
def edit():
    account = current_user.account
    first_setup = security_questions.needs_questions(account, current_user.counted("answers"))
    form = SecurityQuestionsForm() if first_setup else ChangeSecurityQuestionsForm.starting_from(
        security_questions.chosen_questions(account))
    if form.validate_on_submit():
        problem = security_questions.save_answers(
            db.session, account, form.answers(), form.data.get("password"),
            current_policies().bcrypt_rounds, utcnow(), request.remote_addr)
        if problem is None:
            session[ACCOUNT_NOTICE_KEY] = "security_questions_saved"
            if not first_setup:  # setting them the first time is part of signing up
                inbox.keep_message("security_questions_saved", "security_questions.edit")
                db.session.commit()
            return go_to(url_for("account.home"))
        form.add_errors({"password": problem})
    return render_step("account/security_questions.html", 422 if form.errors else 200,
                       form=form, first_setup=first_setup)
