"""Files people send: the attachments field as a service's form shows it (first opened, sent
with no file, with too many, with each refusal the checks give), the files once accepted,
and the 413 page of a page that takes files. From fixture data, never stored."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from absher_web.forms.fields import AttachmentsField, FilesForm
from absher_web.models import Upload
from absher_web.services import uploads
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import BLANK, State, account_page
from absher_web.web.errors import render_error
from absher_web.web.files import files_too_large_page

# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Files people send")
# TRANSLATORS: The states gallery for testers (development only): the heading of the example
# page that shows the field for sending files.
TITLE = _l("Send documents")
PURPOSE = "states_gallery_example"
uploads.register_purpose(PURPOSE)
MAX_FILES = 3


class ExampleForm(FilesForm):
    # TRANSLATORS: The label of the field for choosing files to send with a form (one or more).
    attachments = AttachmentsField(_l("Attachments"), purpose=PURPOSE, max_files=MAX_FILES)


def refusals() -> list[str]:
    """One of each refusal the checks give, for files named as a person's might be."""
    return [refusal.message for refusal in (
        uploads.not_accepted("invoice.docx", uploads.KINDS),
        uploads.damaged("scan (2).jpg"),
        uploads.too_many_pixels("panorama.png", 40_000_000),
        uploads.active_pdf("form.pdf"),
        uploads.protected_pdf("statement.pdf"),
        uploads.too_many_bytes("video.pdf", 5 * 1024 * 1024),
        uploads.empty("report.pdf"),
    )]


def field_page(errors: list[str] | None = None, accepted: list[Upload] | None = None):
    form = ExampleForm(formdata=None)
    form.attachments.errors = list(errors or [])
    return account_page("dev/files_field.html", 422 if errors else 200, title=TITLE,
                        form=form, accepted=accepted or [])


def example_files() -> list[Upload]:
    sent = fx.NOW - timedelta(minutes=5)
    return [Upload(id=1, public_id="Xk3v9QmT2pLr8sWd4nYb6HcA", account_id=1, purpose=PURPOSE,
                   media_type="application/pdf", size=245_760, sha256="0" * 64,
                   display_name="medical report.pdf", created_at=sent),
            Upload(id=2, public_id="Pq7Lm2Nv8Rt4Ws6Xy1Zb3Cd5", account_id=1, purpose=PURPOSE,
                   media_type="image/jpeg", size=1_887_436, sha256="1" * 64,
                   display_name="تقرير طبي.jpg", created_at=sent)]


STATES = [
    State("files-field", GROUP, TITLE, BLANK, field_page),
    # TRANSLATORS: The states gallery for testers (development only): a state of the page.
    State("files-field-none", GROUP, TITLE, _l("Sent with no file"),
          lambda: field_page([AttachmentsField.NO_FILE])),
    # TRANSLATORS: The states gallery for testers (development only): a state of the page.
    State("files-field-too-many", GROUP, TITLE, _l("Sent with too many files"),
          lambda: field_page([AttachmentsField.too_many(MAX_FILES)])),
    # TRANSLATORS: The states gallery for testers (development only): a state of the page:
    # every reason a file can be refused, one under the other.
    State("files-field-refused", GROUP, TITLE, _l("Each reason a file is refused"),
          lambda: field_page(refusals())),
    # TRANSLATORS: The states gallery for testers (development only): a state of the page.
    State("files-field-accepted", GROUP, TITLE, _l("Files accepted, with their links"),
          lambda: field_page(accepted=example_files())),
    # TRANSLATORS: The states gallery for testers (development only): a state of the page:
    # the files sent together were larger than the site accepts (HTTP 413).
    State("files-too-large", GROUP, TITLE, _l("Files too large together (413)"),
          lambda: render_error(413, files_too_large_page())),
]
