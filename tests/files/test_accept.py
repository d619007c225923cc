"""Every file is judged by its bytes: hostile pictures and PDFs are refused or drawn again,
each refusal a translated message beside the field, the rest of the form kept."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import Upload
from absher_web.services import uploads
from tests.account.conftest import csrf_of
from tests.files.conftest import (
    PAGE,
    jpeg,
    pdf_with_object_stream,
    plain_pdf,
    png,
    png_claiming,
    zip_bytes,
)
from tests.pages import parse


def stored(app) -> list[tuple[Upload, bytes]]:
    with app.app_context():
        found = db.session.scalars(select(Upload).order_by(Upload.id)).all()
        return [(upload, uploads.content(db.session, upload)) for upload in found]


def errors_of(response) -> list[str]:
    block = parse(response).find(id="attachments-error")
    return [item.get_text(" ", strip=True) for item in block.find_all("li")] if block else []


def test_a_picture_and_a_pdf_are_stored_with_their_checks(sender, sample_app):
    picture = jpeg()
    document = plain_pdf()
    response = sender.send((picture, "scan.JPG"), (document, "letter.pdf"))
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    files = stored(sample_app)
    assert [(row.media_type, row.display_name, row.held_by) for row, _ in files] == [
        ("image/jpeg", "scan.jpg", None), ("application/pdf", "letter.pdf", None)]
    for row, data in files:
        assert row.size == len(data) and row.sha256 == hashlib.sha256(data).hexdigest()
        assert row.account_id == sender.account.id and row.purpose == "sample_evidence"
        assert len(row.public_id) == 24
    assert files[1][1] == document  # a PDF is kept as sent


def test_picture_metadata_is_gone(sender, sample_app):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (24.0, 42.0, 0.0)}  # GPS
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "red").save(out, format="JPEG", exif=exif,
                                           icc_profile=b"ICC-PROFILE-COMMENT" * 10,
                                           comment=b"HIDDEN-COMMENT")
    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    info.add_itxt("Author", "HIDDEN-AUTHOR")
    response = sender.send((out.getvalue(), "a.jpg"), (png(pnginfo=info), "b.png"))
    assert response.status_code == 200
    (_, clean_jpeg), (_, clean_png) = stored(sample_app)
    for secret in (b"SecretCam", b"Exif", b"ICC-PROFILE", b"HIDDEN", b"<script", b"GPS"):
        assert secret not in clean_jpeg and secret not in clean_png
    assert Image.open(io.BytesIO(clean_jpeg)).getexif() == {}
    assert b"tEXt" not in clean_png and b"iTXt" not in clean_png


@pytest.mark.parametrize("tail", [zip_bytes(), b"<html><script>alert(1)</script></html>"])
def test_a_picture_that_is_also_a_zip_or_html_comes_out_a_plain_picture(sender, sample_app,
                                                                       tail):
    response = sender.send((jpeg() + tail, "photo.jpg"), (png() + tail, "photo.png"))
    assert response.status_code == 200
    for _, data in stored(sample_app):
        assert b"PK\x03\x04" not in data and b"<html" not in data and b"script" not in data
        Image.open(io.BytesIO(data)).verify()


def test_animated_png_keeps_its_first_frame(sender, sample_app):
    out = io.BytesIO()
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "blue", "green")]
    frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:])
    assert sender.send((out.getvalue(), "moving.png")).status_code == 200
    [(_, data)] = stored(sample_app)
    again = Image.open(io.BytesIO(data))
    assert getattr(again, "n_frames", 1) == 1 and b"acTL" not in data
    assert again.convert("RGB").getpixel((1, 1)) == (255, 0, 0)


REFUSALS = [
    # a decompression bomb: a small file claiming 50,000 x 50,000 pixels
    ((png_claiming(50_000, 50_000), "bomb.png"), "is too large"),
    ((png_claiming(9_000, 9_000), "big.png"), "million pixels"),
    ((jpeg()[:200], "cut.jpg"), "could not read"),
    ((png()[:60], "cut.png"), "could not read"),
    # the wrong extension changes nothing: an HTML page called .jpg, a program called .pdf
    ((b"<html><script>alert(1)</script></html>", "photo.jpg"), "not a kind of file"),
    ((b"MZ\x90\x00" + b"\x00" * 100, "letter.pdf"), "not a kind of file"),
    ((zip_bytes(), "scan.png"), "not a kind of file"),
    ((b"GIF89a" + b"\x00" * 40, "scan.gif"), "not a kind of file"),
    # a PDF with HTML at the front is not a PDF from its first byte
    ((b"<html><body>hi</body></html>\n" + plain_pdf(), "letter.pdf"), "not a kind of file"),
    ((plain_pdf() + b"<html><script>alert(1)</script></html>", "letter.pdf"), "could not read"),
    ((plain_pdf()[:-40], "letter.pdf"), "could not read"),
    ((b"%PDF-1.4\ngarbage\n%%EOF\n", "letter.pdf"), "could not read"),
    ((b"", "empty.pdf"), "is empty"),
    # scripts and actions, in the open, spelt with #xx escapes, or in a compressed object stream
    ((plain_pdf().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript "
                                             b"/JS (app.alert\\(1\\)) >>"), "a.pdf"),
     "holds scripts"),
    ((plain_pdf().replace(b"/Type /Catalog", b"/Type /Catalog /Names << /J#61vaScript 9 0 R >>"),
      "b.pdf"), "holds scripts"),
    ((pdf_with_object_stream(b"/OpenAction 4 0 R"), "c.pdf"), "holds scripts"),
    ((pdf_with_object_stream(b"/AA << /O 4 0 R >>"), "d.pdf"), "holds scripts"),
    ((pdf_with_object_stream(b"/Names << /EmbeddedFiles 4 0 R >>"), "e.pdf"), "holds scripts"),
    ((pdf_with_object_stream(b"/AcroForm << /XFA 4 0 R >>"), "f.pdf"), "holds scripts"),
]


@pytest.mark.parametrize(("sent", "words"), REFUSALS, ids=[name for (_, name), _ in REFUSALS])
def test_hostile_files_are_refused_beside_the_field(sender, sample_app, sent, words):
    response = sender.send(sent, note="Kept note")
    assert response.status_code == 422
    [problem] = errors_of(response)
    assert words in problem
    page = parse(response)
    assert page.find("input", attrs={"name": "note"})["value"] == "Kept note"
    assert stored(sample_app) == []


def test_a_pdf_with_an_object_stream_and_no_script_is_accepted(sender, sample_app):
    assert sender.send((pdf_with_object_stream(), "fine.pdf")).status_code == 200
    assert len(stored(sample_app)) == 1


def test_the_refusal_is_in_arabic_on_the_arabic_page(sender):
    response = sender.send((b"<html></html>", "x.jpg"), lang="ar")
    assert response.status_code == 422
    [problem] = errors_of(response)
    assert "نقبله" in problem or "نقبل" in problem


def test_one_refused_file_refuses_the_set(sender, sample_app):
    response = sender.send((jpeg(), "good.jpg"), (b"nonsense", "bad.png"), (png(), "ok.png"))
    assert response.status_code == 422
    assert len(errors_of(response)) == 1 and "bad.png" in errors_of(response)[0]
    assert stored(sample_app) == []


@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/passwd", "passwd.png"),
    ("photo\u202egnp.exe", "photognp.png"),
    ("nul\x00byte.png", "nulbyte.png"),
    ("   ", "file.png"),
    ("ص" * 500 + ".png", "ص" * 115 + ".png"),
])
def test_names_are_never_paths_and_are_cleaned(sender, sample_app, raw, shown):
    assert sender.send((png(), raw)).status_code == 200
    [(row, _)] = stored(sample_app)
    assert row.display_name == shown


def test_a_windows_path_keeps_its_last_part():
    assert uploads.cleaned_name("..\\..\\windows\\system32\\evil.exe") == "evil.exe"
    assert uploads.display_name("C:\\Users\\a\\scan.exe", "pdf") == "scan.pdf"
    assert uploads.display_name("\u202e\u2066\x07", "jpeg") == "file.jpg"


def test_too_many_files_and_none_at_all(sender, sample_app):
    response = sender.send(*[(png(), f"{n}.png") for n in range(4)])
    assert response.status_code == 422
    assert errors_of(response) == ["Send at most 3 files."]
    response = sender.send()
    assert response.status_code == 422 and "Choose a file" in response.get_data(as_text=True)
    assert stored(sample_app) == []


def test_text_sent_under_the_field_name_counts_as_no_file(sender, sample_app):
    response = sender.send(extra={"attachments": ["<script>", "x" * 1000]})
    assert response.status_code == 422 and "Choose a file" in response.get_data(as_text=True)


def test_a_file_sent_under_a_text_fields_name_is_left_out(sender, sample_app):
    page = sender.client.get(PAGE.format(lang="en"))
    response = sender.client.post(PAGE.format(lang="en"), content_type="multipart/form-data",
                                  data={"csrf_token": csrf_of(page),
                                        "note": (io.BytesIO(b"<script>"), "note.html"),
                                        "attachments": (io.BytesIO(png()), "a.png")})
    assert response.status_code == 422
    assert parse(response).find(id="note-error") is not None


def test_a_file_over_the_file_limit_is_refused_beside_the_field(sender, sample_app):
    sample_app.config["UPLOAD_MAX_FILE_BYTES"] = 2048
    response = sender.send((png(400, 400, mode="RGB") + b"\x00" * 3000, "big.png"))
    assert response.status_code == 422
    assert "larger than" in errors_of(response)[0]


def test_a_purpose_takes_only_its_kinds(app):
    uploads.register_purpose("sample_photos_only", kinds=("jpeg", "png"))
    with pytest.raises(ValueError):
        uploads.register_purpose("sample_photos_only", kinds=("pdf",))
    with pytest.raises(ValueError):
        uploads.register_purpose("sample_gif", kinds=("gif",))


def test_count_of_stored_rows_after_refusals_is_zero(sender, sample_app):
    for sent, _words in REFUSALS[:4]:
        sender.send(sent)
    with sample_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Upload)) == 0
