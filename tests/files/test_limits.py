"""A page that takes files accepts a body up to UPLOAD_MAX_REQUEST_BYTES; a larger one is
refused with a translated 413 page before it is read, whether its size is announced
(Content-Length) or not (chunked, cut at the limit). Every other page keeps its small limit."""

from __future__ import annotations

import io

from tests.account.conftest import csrf_of
from tests.files.conftest import PAGE, png
from tests.pages import parse

BOUNDARY = "sample-boundary"


def multipart(token: str, payload: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{token}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
            f"hello\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; "
            f"filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").encode() + payload + (
        f"\r\n--{BOUNDARY}--\r\n").encode()


class CountingStream(io.BytesIO):
    """A body that counts how much of it the site read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.taken += len(line)
        return line


def post_stream(sender, lang: str, size: int, chunked: bool):
    """A multipart body of ``size`` bytes of file, announced or chunked; the answer and how
    much of the body the site read."""
    token = csrf_of(sender.client.get(PAGE.format(lang=lang)))
    body = CountingStream(multipart(token, b"\x00" * size))
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
    else:
        headers["Content-Length"] = str(len(body.getvalue()))
    response = sender.client.post(PAGE.format(lang=lang), input_stream=body, headers=headers,
                                  environ_overrides={"wsgi.input_terminated": chunked})
    return response, body.taken


def test_an_announced_body_over_the_limit_is_refused_unread(sender, sample_app):
    sample_app.config["UPLOAD_MAX_REQUEST_BYTES"] = 100_000
    response, taken = post_stream(sender, "en", 200_000, chunked=False)
    assert response.status_code == 413
    assert "larger than 0.1 MB" in parse(response).get_text()
    assert taken == 0


def test_a_chunked_body_is_cut_at_the_limit(sender, sample_app):
    sample_app.config["UPLOAD_MAX_REQUEST_BYTES"] = 100_000
    response, taken = post_stream(sender, "ar", 5_000_000, chunked=True)
    assert response.status_code == 413
    assert parse(response).find("html")["lang"] == "ar"
    assert taken < 200_000


def test_a_body_within_the_limit_is_read(sender, sample_app):
    token = csrf_of(sender.client.get(PAGE.format(lang="en")))
    response = sender.client.post(
        PAGE.format(lang="en"), data=multipart(token, png()),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert response.status_code == 200
    assert parse(response).find(class_="accepted").get_text() == "a.png"


def test_pages_that_take_no_files_keep_their_small_limit(sample_app):
    client = sample_app.test_client()
    token = csrf_of(client.get("/en/individuals/login"))
    response = client.post(
        "/en/individuals/login", data=multipart(token, b"\x00" * 100_000),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert response.status_code == 413
    assert "larger than we accept" in parse(response).get_text()


def test_operators_get_the_nginx_locations_of_the_pages_that_take_files(sample_app):
    sample_app.config["UPLOAD_MAX_REQUEST_BYTES"] = 12 * 1024 * 1024
    result = sample_app.test_cli_runner().invoke(args=["absher", "upload-pages"])
    assert result.exit_code == 0, result.output
    assert 'location ~ "^/[^/]+/account/sample\\-files$" {' in result.output
    assert "client_max_body_size 12288k;" in result.output
