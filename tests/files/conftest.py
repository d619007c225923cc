"""Files people send: a page of the app that takes files (built here from the site's own
form, field, decorator and service, on the app under test), hostile files made on the
spot, and a signed-in holder who sends them."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from flask import Blueprint, render_template_string
from PIL import Image
from pypdf import PdfWriter
from wtforms import StringField

from absher_web.extensions import db
from absher_web.forms.fields import AttachmentsField, FilesForm, Required
from absher_web.services import uploads
from absher_web.web.files import takes_files
from absher_web.web.guards import signed_in_only
from tests.account.conftest import Citizen, csrf_of

PURPOSE = "sample_evidence"
uploads.register_purpose(PURPOSE, staff_roles=("civil_affairs",))
PAGE = "/{lang}/account/sample-files"

TEMPLATE = """{% extends "base.html" %}
{% from "components/forms.html" import field, files_field, button, error_summary %}
{% block content %}
{{ error_summary(form) }}
<form method="post" enctype="multipart/form-data" novalidate>
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  {{ field(form.note) }}
  {{ files_field(form.attachments) }}
  {{ button("Send") }}
</form>
{% for upload in accepted %}
<p class="accepted" data-id="{{ upload.public_id }}">{{ upload.display_name }}</p>
{% endfor %}
{% endblock %}"""


class SampleForm(FilesForm):
    note = StringField("Note", validators=[Required("username_required")])
    attachments = AttachmentsField("Attachments", purpose=PURPOSE, max_files=3)


def add_sample_page(app) -> None:
    """A page as a service's would be: form -> service -> answer."""
    sample = Blueprint("sample_files", __name__, url_prefix="/<lang_code>/account/sample-files")

    @sample.route("", methods=["GET", "POST"])
    @signed_in_only
    @takes_files
    def page():
        form = SampleForm()
        if form.validate_on_submit():
            db.session.commit()
            return render_template_string(TEMPLATE, form=form, accepted=form.attachments.uploads)
        db.session.commit()  # refused files are gone; orphans of a failed form stay to purge
        return render_template_string(TEMPLATE, form=form, accepted=[]), (
            422 if form.errors else 200)

    app.register_blueprint(sample)


@pytest.fixture
def sample_app(app):
    add_sample_page(app)
    return app


class Sender(Citizen):
    def send(self, *files: tuple[bytes, str], note: str = "Evidence", lang: str = "en",
             extra: dict | None = None, **kwargs):
        page = self.client.get(PAGE.format(lang=lang))
        data = {"csrf_token": csrf_of(page), "note": note,
                "attachments": [(io.BytesIO(content), name) for content, name in files],
                **(extra or {})}
        return self.client.post(PAGE.format(lang=lang), data=data,
                                content_type="multipart/form-data", **kwargs)


@pytest.fixture
def sender(sample_app, client, make_account, sms_outbox) -> Sender:
    holder = Sender(client, make_account(), sms_outbox)
    holder.sign_in()
    return holder


# --- files ------------------------------------------------------------------------------------


def png(width: int = 40, height: int = 30, mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "teal").save(out, format="PNG", **save)
    return out.getvalue()


def jpeg(width: int = 40, height: int = 30, **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "olive").save(out, format="JPEG", **save)
    return out.getvalue()


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` x ``height`` (a decompression bomb's)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + chunk(b"IEND", b""))


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<html><script>alert(1)</script></html>")
    return out.getvalue()


def plain_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_object_stream(inside: bytes = b"") -> bytes:
    """A PDF 1.5 whose catalog lives in a compressed object stream (with an xref stream),
    ``inside`` added to the catalog's dictionary there (e.g. an /OpenAction to a script)."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R " + inside + b" >>"
    script = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    objects = [catalog, script if inside else b"<< /Producer (sample) >>"]
    numbers, offset, body = [], 0, b""
    for number, text in zip((1, 4), objects, strict=True):
        numbers.append(f"{number} {offset}".encode())
        body += text + b"\n"
        offset = len(body)
    header = b" ".join(numbers) + b"\n"
    stream = zlib.compress(header + body)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    offsets[2] = out.tell()
    out.write(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n")
    offsets[3] = out.tell()
    out.write(b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n")
    offsets[5] = out.tell()
    out.write(b"5 0 obj\n<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\n"
              b"stream\n" % (len(header), len(stream)) + stream + b"\nendstream\nendobj\n")
    offsets[6] = out.tell()
    rows = [b"\x00\x00\x00\x00\x00\xff\xff",  # 0: free
            b"\x02" + struct.pack(">I", 5) + struct.pack(">H", 0),  # 1 in the stream
            b"\x01" + struct.pack(">I", offsets[2]) + b"\x00\x00",
            b"\x01" + struct.pack(">I", offsets[3]) + b"\x00\x00",
            b"\x02" + struct.pack(">I", 5) + struct.pack(">H", 1),  # 4 in the stream
            b"\x01" + struct.pack(">I", offsets[5]) + b"\x00\x00",
            b"\x01" + struct.pack(">I", offsets[6]) + b"\x00\x00"]
    table = b"".join(rows)
    out.write(b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\n"
              b"stream\n" % len(table) + table + b"\nendstream\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[6])
    return out.getvalue()
