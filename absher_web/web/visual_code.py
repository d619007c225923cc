"""The visual code's image, audio and "new code" fragment. GET only: nothing is written."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, render_template, request

from absher_web.forms.registration import VisualCodeForm
from absher_web.services import captcha
from absher_web.web.flow import captcha_policy, fresh_captcha_token

bp = Blueprint("visual_code", __name__, url_prefix="/<lang_code>/visual-code")


def answer_or_404(token: str) -> str:
    try:
        return captcha.answer_for(captcha_policy(), token)
    except captcha.CaptchaInvalid:
        abort(404)


def private(response: Response) -> Response:
    # Each image answers one form; caches must not keep or share it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<token>.png")
def image(token: str) -> Response:
    return private(Response(captcha.image_png(answer_or_404(token)), mimetype="image/png"))


@bp.get("/<token>.wav")
def audio(token: str) -> Response:
    from flask_babel import get_locale

    answer = answer_or_404(token)
    return private(Response(captcha.audio_wav(answer, str(get_locale())), mimetype="audio/wav"))


@bp.get("/new")
def refresh() -> str:
    page_url = request.args.get("page", "")
    if urlsplit(page_url).netloc or not page_url.startswith("/"):
        abort(400)  # only paths on this site: never an open redirect
    form = VisualCodeForm(formdata=None)
    return render_template("components/visual_code_refresh.html", form=form,
                           token=fresh_captcha_token(), page_url=page_url)
