"""Reading pages in tests: assertions are made on the parsed page, not on its text."""

from __future__ import annotations

from bs4 import BeautifulSoup


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


# What the server in front adds to every answer (nginx: its name, keep-alive, and the date
# unless the answer has one).
SERVER_HEADERS = "Server: nginx\r\nConnection: keep-alive\r\n"
DATE_HEADER = "Date: Sun, 06 Dec 2026 18:00:00 GMT\r\n"


def bytes_on_the_wire(response) -> int:
    """An answer's size as HTTP/1.1 carries it: status line, headers (the app's and the
    server's) and the body as the app gave it, compressed when asked with Accept-Encoding."""
    head = f"HTTP/1.1 {response.status}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in response.headers.to_wsgi_list())
    head += SERVER_HEADERS + ("" if "Date" in response.headers else DATE_HEADER) + "\r\n"
    return len(head.encode("latin-1")) + len(response.get_data())
