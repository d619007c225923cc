"""Blueprints: thin views that validate a form, call a service and render."""

from __future__ import annotations

from flask import Flask, request


def is_htmx_request() -> bool:
    """True when htmx asked for a fragment rather than a whole page."""
    return request.headers.get("HX-Request") == "true"


def register_blueprints(app: Flask) -> None:
    from absher_web.forms.messages import message
    from absher_web.web import public, registration, visual_code
    from absher_web.web.flow import fresh_captcha_token, ltr

    app.register_blueprint(public.bp)
    app.register_blueprint(registration.bp)
    app.register_blueprint(visual_code.bp)
    app.jinja_env.globals.update(message=message, fresh_captcha_token=fresh_captcha_token,
                                 ltr=ltr)
