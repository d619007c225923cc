"""The visual code's image, audio and "new code" fragment. GET only: nothing is written.

Drawing an image costs more CPU than serving a page, so images and recordings are
limited per address and per token (RATELIMIT_VISUAL_CODE, _PER_TOKEN), counted together.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from absher_web.extensions import limiter
from absher_web.forms.common import VisualCodeForm
from absher_web.services import captcha
from absher_web.services.policies import current_policies
from absher_web.text import has_control_characters
from absher_web.web.visual_code_tokens import fresh_captcha_token

bp = Blueprint("visual_code", __name__, url_prefix="/<lang_code>/visual-code")


def answer_or_404(token: str) -> str:
    try:
        return captcha.answer_for(current_policies().visual_codes, token)
    except captcha.CaptchaInvalid:
        abort(404)


def private(response: Response) -> Response:
    # Each image answers one form; caches must not keep or share it.
    response.headers["Cache-Control"] = "no-store"
    return response


def token_key() -> str:
    return "visual-code-token:" + str((request.view_args or {}).get("token", ""))[:200]


per_address = limiter.shared_limit(lambda: current_app.config["RATELIMIT_VISUAL_CODE"],
                                   scope="visual-code")
per_token = limiter.shared_limit(lambda: current_app.config["RATELIMIT_VISUAL_CODE_PER_TOKEN"],
                                 scope="visual-code-token", key_func=token_key)


@bp.get("/<token>.png")
@per_address
@per_token
def image(token: str) -> Response:
    return private(Response(captcha.image_png(answer_or_404(token)), mimetype="image/png"))


@bp.get("/<token>.wav")
@per_address
@per_token
def audio(token: str) -> Response:
    from flask_babel import get_locale

    answer = answer_or_404(token)
    return private(Response(captcha.audio_wav(answer, str(get_locale())), mimetype="audio/wav"))


def is_page_of_this_site(url: str) -> bool:
    """True for a path that one of this site's pages answers.

    Browsers read '/\\evil.example' like '//evil.example' (another site), so a path is
    matched against the routes instead of being judged by its first characters.
    """
    parts = urlsplit(url)
    if (not url.startswith("/") or url.startswith("//") or "\\" in url or parts.netloc
            or has_control_characters(url)):
        return False
    try:
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return False
    return True


@bp.get("/new")
def refresh() -> str:
    page_url = request.args.get("page", "")
    if not is_page_of_this_site(page_url):
        abort(400)  # only pages of this site: never an open redirect
    form = VisualCodeForm(formdata=None)
    return render_template("components/visual_code_refresh.html", form=form,
                           token=fresh_captcha_token(), page_url=page_url)
