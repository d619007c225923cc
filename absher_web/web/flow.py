"""What every multi-step journey shares: step rendering and the policies built from config."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from jinja2_fragments.flask import render_block
from markupsafe import Markup, escape

from absher_web.security import origin_host
from absher_web.services.captcha import CaptchaPolicy, new_token
from absher_web.services.otp import CodePolicy
from absher_web.web import is_htmx_request


def code_policy() -> CodePolicy:
    config = current_app.config
    return CodePolicy(secret_key=config["SECRET_KEY"],
                      ttl=timedelta(seconds=config["OTP_TTL_SECONDS"]),
                      per_number_per_hour=config["SMS_CODES_PER_NUMBER_PER_HOUR"],
                      per_person_per_hour=config["SMS_CODES_PER_PERSON_PER_HOUR"],
                      site_per_hour=config["SMS_CODES_PER_HOUR"])


def captcha_policy() -> CaptchaPolicy:
    return CaptchaPolicy(secret_key=current_app.config["SECRET_KEY"],
                         fixed_answer=current_app.config.get("CAPTCHA_FIXED_ANSWER"))


def fresh_captcha_token() -> str:
    return new_token(captcha_policy())


def sms_host() -> str:
    """The host named in the WebOTP line of code messages (the configured origin)."""
    return origin_host(current_app.config)


def render_step(template: str, status: int, **context):
    """The whole page, or for htmx only the `step` block (with its out-of-band updates).

    A status of 400 or more marks the page as showing errors ("Error:" in its title).
    """
    context["page_has_errors"] = status >= 400
    if is_htmx_request():
        return render_block(template, "step", htmx_fragment=True, **context), status
    return render_template(template, **context), status


def ltr(text: str) -> Markup:
    """Latin data (a number, a username) isolated left-to-right inside a sentence."""
    return Markup('<bdi dir="ltr">%s</bdi>') % escape(text)
