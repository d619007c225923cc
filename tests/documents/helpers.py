"""Reading issued documents, their printable pages and /verify's answers in tests."""

from __future__ import annotations

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import IssuedDocument
from tests.pages import parse


def documents_of(app, kind: str | None = None) -> list[IssuedDocument]:
    with app.app_context():
        query = select(IssuedDocument).order_by(IssuedDocument.id)
        if kind is not None:
            query = query.where(IssuedDocument.kind == kind)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def the_document(app, kind: str) -> IssuedDocument:
    current = [d for d in documents_of(app, kind) if d.superseded_at is None]
    assert len(current) == 1, current
    return current[0]


def text_of(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split()) if element else ""


def verify(client, number: str, lang: str = "en", **kwargs):
    return client.get(f"/{lang}/verify/{number}", **kwargs)


def answer_of(response) -> str | None:
    """valid, lapsed or unknown (the answer's class), None for the form alone."""
    section = parse(response).select_one("section.verify-answer")
    if section is None:
        return None
    return next(c.split("--")[1] for c in section["class"] if c.startswith("verify-answer--"))


def facts_shown(response) -> list[tuple[str, str]]:
    """The document's labels and values as a page shows them, in order."""
    facts = parse(response).select_one("dl[data-document-facts]")
    assert facts is not None, response.get_data(as_text=True)[:2000]
    return [(text_of(dt), text_of(dt.find_next_sibling("dd"))) for dt in facts.find_all("dt")]


def printable(client, number: str, lang: str = "en"):
    return client.get(f"/{lang}/account/documents/issued/{number}")


def assert_verifies_as_printed(holder_client, anyone_client, number: str) -> None:
    """/verify says valid and shows exactly what the printable page shows, in both
    languages."""
    for lang in ("en", "ar"):
        page = printable(holder_client, number, lang)
        assert page.status_code == 200, page.get_data(as_text=True)[:500]
        checked = verify(anyone_client, number, lang)
        assert checked.status_code == 200
        assert answer_of(checked) == "valid"
        assert facts_shown(checked) == facts_shown(page)
        # The title and issuer too, and nothing else about the holder in /verify's answer.
        heading = text_of(parse(page).select_one("article h1"))
        assert heading in text_of(parse(checked).select_one("section.verify-answer"))
