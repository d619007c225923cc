"""Files people send, on the web: how large a body a page that takes files accepts, and the
two ways a stored file leaves the site (services/uploads.py decides what is stored).

A view that takes files says so with @takes_files: its body may be as large as
UPLOAD_MAX_REQUEST_BYTES; every other page keeps MAX_CONTENT_LENGTH. Werkzeug refuses a
larger body from its Content-Length before reading it, and cuts a body without one (chunked)
as soon as it grows past the limit: either way a translated 413 page.

A file is downloaded by its owner (/<lang>/account/files/<id>) or by an officer whose role
its purpose names (/<lang>/staff/files/<id>, each download audited); for anyone else it does
not exist (404, the same as an unknown id). It is always an attachment, with the stored
kind's type, nosniff, a sandboxing policy and no caching.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import Blueprint, Flask, abort, current_app, redirect, send_file, url_for
from flask import request as current_request
from flask.wrappers import Request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from absher_web.extensions import client_address, db
from absher_web.models import Upload, utcnow
from absher_web.services import audit, uploads
from absher_web.web.errors import ERROR_PAGES, api_error, is_api_request, render_error
from absher_web.web.guards import signed_in_only
from absher_web.web.staff import signed_in_officer

bp = Blueprint("files", __name__, url_prefix="/<lang_code>/account/files")
staff_bp = Blueprint("staff_files", __name__, url_prefix="/<lang_code>/staff/files")

# A stored file as a browser gets it: never rendered in the site's origin.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def takes_files(view: Callable) -> Callable:
    """Mark a view whose form carries files: its body may be UPLOAD_MAX_REQUEST_BYTES."""
    view.takes_files = True  # type: ignore[attr-defined]
    return view


def view_takes_files(request: Request) -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "takes_files", False))


def view_rules_taking_files(app: Flask) -> list[str]:
    """The URL rules of every view that takes files, sorted."""
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if getattr(app.view_functions.get(rule.endpoint), "takes_files", False)})


class SiteRequest(Request):
    """The site's requests: the larger body limit for the views that take files."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and view_takes_files(self):
            return current_app.config["UPLOAD_MAX_REQUEST_BYTES"]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def megabytes(size: int) -> str:
    return format_decimal(size / 1024 / 1024, format="#,##0.#")


def file_size(size: int) -> str:
    """A stored file's size as a person reads it: in KB below a megabyte, else in MB."""
    if size < 1024 * 1024:
        # TRANSLATORS: A file's size in kilobytes, e.g. "120 KB".
        return _("%(size)s KB", size=format_decimal(max(1, round(size / 1024))))
    # TRANSLATORS: A file's size in megabytes, e.g. "2.5 MB".
    return _("%(size)s MB", size=megabytes(size))


def files_too_large_page() -> tuple:
    """The 413 page's words for a page that takes files: the limit, and what to do."""
    title, _explanation, _advice = ERROR_PAGES[413]
    return (title,
            # TRANSLATORS: On the page shown when the files sent with a form were too large
            # together; %(size)s is the limit in megabytes, from the settings (e.g. 12).
            _("The files you sent together were larger than %(size)s MB.",
              size=megabytes(current_app.config["UPLOAD_MAX_REQUEST_BYTES"])),
            _("Go back and send fewer files, or smaller ones."))


def too_large(error: RequestEntityTooLarge):
    if is_api_request():
        return api_error(413)
    if not view_takes_files(current_request):
        return render_error(413)
    return render_error(413, files_too_large_page())


def download(upload: Upload) -> Response:
    response = send_file(io.BytesIO(uploads.content(db.session, upload)),
                         mimetype=upload.media_type, as_attachment=True,
                         download_name=upload.display_name, conditional=False, etag=False,
                         max_age=0)
    response.headers.update(DOWNLOAD_HEADERS)
    return response


@bp.get("/<public_id>")
@signed_in_only
def owner_download(public_id: str) -> Response:
    found = uploads.for_owner(db.session, public_id, current_user.account)
    if found is None:
        abort(404)
    return download(found)


@staff_bp.get("/<public_id>")
def staff_download(public_id: str) -> Response:
    officer = signed_in_officer()
    if officer is None:
        return redirect(url_for("staff.sign_in"), 303)
    found = uploads.for_staff(db.session, public_id, officer)
    if found is None:
        abort(404)
    audit.record(db.session, "file_read_by_staff", utcnow(), account_id=found.account_id,
                 client_address=client_address(), staff_user_id=officer.id,
                 file=found.public_id, purpose=found.purpose)
    db.session.commit()
    return download(found)


def init_app(app: Flask) -> None:
    app.request_class = SiteRequest
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.jinja_env.globals["file_size"] = file_size
