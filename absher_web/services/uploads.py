"""Files people send: the one way a file enters the site and leaves it again.

A file is judged by its bytes, never by its name or the Content-Type its browser gave:
JPEG, PNG and PDF only, and only the kinds its purpose takes (register_purpose). A picture
is decoded and drawn again (Pillow), so nothing of the original travels on: no EXIF or GPS,
no ICC profile or comments, no text chunks, no second frame, no bytes after the picture (a
JPEG that is also a ZIP or a page of HTML comes out a plain JPEG); one too large in width
and height is refused from its header, before it is decoded. A PDF is refused when it cannot
be parsed strictly, is encrypted, carries scripts, actions that run by themselves, embedded
files, rich media or XFA forms (looked for in every object, compressed object streams
included, however the names are spelt), holds HTML, or has anything after its end.

Sizes are checked twice: the body of a page that takes files is refused (413) from its
Content-Length or as soon as it grows too large (web/files.py), and each file here.

The original name is never a path: a cleaned name (no folders, no controls or bidi marks,
capped, its extension the stored kind's) is kept only to show and to offer as the
download's name. The bytes live in the database (DatabaseStorage), so every instance reads
them; another storage could take its place behind the same two methods.

A file belongs to its owner's account and to the record that holds it (``attach``): until
then it is an orphan, deleted after RETAIN_UNATTACHED_UPLOADS (services/retention.py); when
the record goes, ``release`` takes its files with it. Only the owner and officers whose role
the purpose names may download it (web/files.py).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import secrets
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from babel.lists import format_list
from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from absher_web.models import Account, StaffUser, Upload
from absher_web.observability import UPLOADS

log = logging.getLogger(__name__)

JPEG, PNG, PDF = "jpeg", "png", "pdf"
KINDS = (JPEG, PNG, PDF)
MEDIA_TYPES = {JPEG: "image/jpeg", PNG: "image/png", PDF: "application/pdf"}
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
KIND_NAMES = {
    # TRANSLATORS: A kind of file the site accepts, in a list such as "a JPEG picture, a PNG
    # picture or a PDF document".
    JPEG: _l("a JPEG picture"),
    # TRANSLATORS: A kind of file the site accepts (see "a JPEG picture").
    PNG: _l("a PNG picture"),
    # TRANSLATORS: A kind of file the site accepts (see "a JPEG picture").
    PDF: _l("a PDF document"),
}
NAME_MAX = 120
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{24}")
SPACES = re.compile(r"\s+")
# PDF names that make a document act by itself or carry other files.
ACTIVE_PDF_NAMES = frozenset({
    b"JavaScript", b"JS", b"OpenAction", b"AA", b"Launch", b"EmbeddedFile", b"EmbeddedFiles",
    b"RichMedia", b"XFA", b"SubmitForm", b"ImportData", b"GoToR", b"GoToE",
})
PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
HTML_MARKERS = re.compile(rb"<\s*(?:html|script|body|head|iframe)\b|<!doctype\s+html", re.I)
PDF_TAIL_SPACE = b" \t\r\n\x0c\x00"
PDF_OBJECTS_MAX = 200_000  # a PDF with more is refused as too complex to check


class Refused(Exception):
    """The file is not accepted; ``message`` says why, translated, for beside the field;
    ``reason`` names it for the logs and metrics."""

    def __init__(self, message: str, reason: str = "refused") -> None:
        super().__init__(message)
        self.message, self.reason = message, reason


@dataclass(frozen=True)
class Purpose:
    name: str
    kinds: tuple[str, ...]
    staff_roles: tuple[str, ...]


PURPOSES: dict[str, Purpose] = {}


def register_purpose(name: str, kinds: Iterable[str] = KINDS,
                     staff_roles: Iterable[str] = ()) -> Purpose:
    """What a use of files takes and which officers' roles may read its files; called once
    at import by the module that uses it (again with the same values is harmless)."""
    purpose = Purpose(name, tuple(kinds), tuple(staff_roles))
    unknown = set(purpose.kinds) - set(KINDS)
    if not name or len(name) > 40 or unknown or not purpose.kinds:
        raise ValueError(f"Purpose {name!r}: kinds must be among {KINDS}.")
    if PURPOSES.setdefault(name, purpose) != purpose:
        raise ValueError(f"Purpose {name!r} is already registered differently.")
    return purpose


class DatabaseStorage:
    """The bytes of a file in its own row (uploads.content, never loaded with the row)."""

    def put(self, upload: Upload, data: bytes) -> None:
        upload.content = data

    def read(self, session: Session, upload: Upload) -> bytes:
        return session.scalar(select(Upload.content).where(Upload.id == upload.id)) or b""


STORAGE = DatabaseStorage()


# --- names -----------------------------------------------------------------------------------


def cleaned_name(raw: str | None) -> str:
    """The name as a person may see it: the last part of any path, no control, format
    (bidi) or unpaired characters, spaces folded, at most NAME_MAX characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name.encode("utf-8", "replace").decode("utf-8"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return SPACES.sub(" ", name).strip(" .")[:NAME_MAX]


def display_name(raw: str | None, kind: str) -> str:
    """The cleaned name with the stored kind's extension (whatever the name claimed)."""
    stem = cleaned_name(raw)
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = stem[:NAME_MAX - 5].strip(" .") or "file"
    return f"{stem}.{EXTENSIONS[kind]}"


# --- what the bytes are ---------------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """The kind the content is, from its first bytes (at the very start: a PDF with
    something before its header is not taken)."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def kinds_sentence(kinds: Iterable[str]) -> str:
    return format_list([str(KIND_NAMES[kind]) for kind in kinds], style="or",
                       locale=get_locale())


# Each refusal, for beside the field; ``name`` is the file's cleaned name.


def damaged(name: str) -> Refused:
    # TRANSLATORS: Beside the field for sending files: a file that could not be decoded.
    # %(name)s is the file's name.
    return Refused(_("We could not read “%(name)s”: it may be damaged or not what its name "
                     "says. Send it again, or send another copy.", name=name), "damaged")


def not_accepted(name: str, kinds: Iterable[str]) -> Refused:
    # TRANSLATORS: Beside the field for sending files. %(name)s is the file's name;
    # %(kinds)s a list such as "a JPEG picture, a PNG picture or a PDF document".
    return Refused(_("“%(name)s” is not a kind of file we accept. Send %(kinds)s.",
                     name=name, kinds=kinds_sentence(kinds)), "not_accepted")


def too_many_pixels(name: str, max_pixels: int) -> Refused:
    # TRANSLATORS: Beside the field for sending files. %(name)s is the file's name;
    # %(pixels)s a number of millions, from the settings (e.g. 40).
    return Refused(_("The picture “%(name)s” is too large. Send one of at most %(pixels)s "
                     "million pixels (width times height).", name=name,
                     pixels=format_decimal(max_pixels / 1_000_000, format="#,##0.#")),
                   "too_many_pixels")


def active_pdf(name: str) -> Refused:
    # TRANSLATORS: Beside the field for sending files: a PDF that carries JavaScript, actions
    # that run on opening, embedded files or XFA forms. %(name)s is the file's name.
    return Refused(_("“%(name)s” holds scripts, actions, attached files or forms, which we "
                     "do not accept. Print it to a new PDF and send that.", name=name),
                   "active_pdf")


def protected_pdf(name: str) -> Refused:
    # TRANSLATORS: Beside the field for sending files: an encrypted PDF. %(name)s is the
    # file's name.
    return Refused(_("“%(name)s” is protected with a password. Send it without the "
                     "password.", name=name), "protected_pdf")


def too_many_bytes(name: str, limit: int) -> Refused:
    # TRANSLATORS: Beside the field for sending files. %(name)s is the file's name; %(size)s
    # the largest size accepted, in megabytes, from the settings (e.g. 5).
    return Refused(_("“%(name)s” is larger than %(size)s MB. Send a smaller file.",
                     name=name, size=format_decimal(limit / 1024 / 1024, format="#,##0.#")),
                   "too_large")


def empty(name: str) -> Refused:
    # TRANSLATORS: Beside the field for sending files: a file of no bytes. %(name)s is the
    # file's name.
    return Refused(_("“%(name)s” is empty. Choose the file again.", name=name), "empty")


def cleaned_image(data: bytes, kind: str, name: str, max_pixels: int) -> bytes:
    """The picture drawn again from its pixels (its first frame), nothing else kept."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            too_large = too_many_pixels(name, max_pixels)
            try:  # reads the header only; Pillow itself refuses a bomb's claimed size
                image = Image.open(io.BytesIO(data), formats=["JPEG" if kind == JPEG else "PNG"])
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
                raise too_large from bomb
            width, height = image.size
            if width * height > max_pixels:
                raise too_large
            image.seek(0)  # an animated picture keeps its first frame only
            image.load()
            try:
                image = ImageOps.exif_transpose(image) or image  # upright, as it was shot
            except Exception:  # noqa: S110 (a broken orientation tag leaves it as it is)
                pass
            alpha = "A" in image.getbands() or "transparency" in image.info
            mode = ("L" if image.mode in ("1", "L") else
                    "RGBA" if alpha and kind == PNG else "RGB")
            pixels = image.convert(mode)
            del image
            fresh = Image.new(mode, pixels.size)  # no info, no chunks, no profile: pixels only
            fresh.paste(pixels)
            del pixels
            out = io.BytesIO()
            if kind == JPEG:
                fresh.save(out, format="JPEG", quality=90, optimize=True)
            else:
                fresh.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except Refused:
        raise
    except Exception as problem:  # a hostile file can make any decoder raise anything
        raise damaged(name) from problem


def pdf_names(data: bytes) -> set[bytes]:
    """Every /Name in the bytes, with #xx escapes undone (/J#61vaScript is /JavaScript)."""
    return {PDF_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), found)
            for found in PDF_NAME.findall(data)}


def active_pdf_content(reader) -> bool:  # noqa: ANN001 (a pypdf PdfReader)
    """Whether any object, the trailer or an object stream's text names an active thing."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    numbers = {number for table in reader.xref.values() for number in table}
    numbers |= set(reader.xref_objStm)
    todo: list = [reader.trailer] + [reader.get_object(number) for number in sorted(numbers)]
    seen: set[int] = set()
    kept: list = []  # every object looked at stays alive, so no id is reused while walking
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            item = item.get_object()
        if id(item) in seen:
            continue
        seen.add(id(item))
        kept.append(item)
        if len(seen) > PDF_OBJECTS_MAX:
            return True
        if isinstance(item, NameObject) and item.encode()[1:] in ACTIVE_PDF_NAMES:
            return True
        if isinstance(item, DictionaryObject):
            if any(str(key)[1:].encode() in ACTIVE_PDF_NAMES for key in item):
                return True
            if item.get("/Type") in ("/ObjStm", "/XRef") and hasattr(item, "get_data"):
                if pdf_names(item.get_data()) & ACTIVE_PDF_NAMES:
                    return True
            todo.extend(item.values())
        elif isinstance(item, ArrayObject):
            todo.extend(item)
    return False


def checked_pdf(data: bytes, name: str) -> bytes:
    from pypdf import PdfReader

    active = active_pdf(name)
    if not data.rstrip(PDF_TAIL_SPACE).endswith(b"%%EOF"):
        raise damaged(name)  # cut short, or something added after its end
    if HTML_MARKERS.search(data) or pdf_names(data) & ACTIVE_PDF_NAMES:
        raise active
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise protected_pdf(name)
        if len(reader.pages) < 1:
            raise damaged(name)
        if active_pdf_content(reader):
            raise active
    except Refused:
        raise
    except Exception as problem:  # a hostile file can make the parser raise anything
        raise damaged(name) from problem
    return data


# --- accepting, attaching, reading ----------------------------------------------------------


def accept(session: Session, file: FileStorage, *, account: Account, purpose: str,
           now: datetime) -> Upload:
    """Check the file and store it for ``account`` (flushed, not committed): an Upload no
    record holds yet. Refused, with a translated message for beside the field, if not;
    either way counted (absher_uploads_total) and a refusal logged, without the name."""
    try:
        upload = checked_and_stored(session, file, account, PURPOSES[purpose], now)
    except Refused as refused:
        UPLOADS.labels(purpose, refused.reason).inc()
        log.info("file refused: %s", refused.reason,
                 extra={"purpose": purpose, "reason": refused.reason, "account_id": account.id})
        raise
    UPLOADS.labels(purpose, "accepted").inc()
    return upload


def checked_and_stored(session: Session, file: FileStorage, account: Account, use: Purpose,
                       now: datetime) -> Upload:
    config = current_app.config
    # TRANSLATORS: In a message beside the field for sending files, for a file sent with no
    # name: "“your file” is empty."
    name = cleaned_name(file.filename) or _("your file")
    limit = config["UPLOAD_MAX_FILE_BYTES"]
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise too_many_bytes(name, limit)
    if not data:
        raise empty(name)
    kind = sniff(data)
    if kind not in use.kinds:
        raise not_accepted(name, use.kinds)
    if kind == PDF:
        data = checked_pdf(data, name)
    else:
        data = cleaned_image(data, kind, name, config["UPLOAD_MAX_IMAGE_PIXELS"])
    upload = Upload(public_id=secrets.token_urlsafe(18), account_id=account.id,
                    purpose=use.name, media_type=MEDIA_TYPES[kind], size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    display_name=display_name(file.filename, kind), created_at=now)
    STORAGE.put(upload, data)
    session.add(upload)
    session.flush()
    return upload


def attach(session: Session, uploads: Iterable[Upload], holder: str, now: datetime) -> int:
    """Give the files to the record named ``holder`` (e.g. "request:42"): from now on they
    live as long as it does. Only files no record holds yet move; how many did."""
    ids = [upload.id for upload in uploads]
    if not ids:
        return 0
    moved = session.execute(update(Upload).where(Upload.id.in_(ids), Upload.held_by.is_(None))
                            .values(held_by=holder, attached_at=now)
                            .execution_options(synchronize_session="fetch"))
    return moved.rowcount


# How a request's files name it: services/retention deletes them with the request.
REQUEST_HOLDER = "request:"


def request_holder(request_id: int) -> str:
    """The holder name of a request's files: they go when the request is purged."""
    return f"{REQUEST_HOLDER}{request_id}"


def release(session: Session, holder: str) -> int:
    """Delete the files of a record that is being deleted; how many went."""
    return session.execute(delete(Upload).where(Upload.held_by == holder)).rowcount


def held_by(session: Session, holder: str) -> list[Upload]:
    return list(session.scalars(select(Upload).where(Upload.held_by == holder)
                                .order_by(Upload.id)))


def find(session: Session, public_id: str) -> Upload | None:
    if not isinstance(public_id, str) or not PUBLIC_ID.fullmatch(public_id):
        return None
    return session.scalar(select(Upload).where(Upload.public_id == public_id))


def for_owner(session: Session, public_id: str, account: Account) -> Upload | None:
    """The file if it is ``account``'s; None otherwise, as for one that does not exist."""
    found = find(session, public_id)
    return found if found is not None and found.account_id == account.id else None


def may_read(officer: StaffUser, upload: Upload) -> bool:
    use = PURPOSES.get(upload.purpose)
    return use is not None and any(role in (officer.roles or []) for role in use.staff_roles)


def for_staff(session: Session, public_id: str, officer: StaffUser) -> Upload | None:
    """The file if the officer's roles may read its purpose's files; None otherwise."""
    found = find(session, public_id)
    return found if found is not None and may_read(officer, found) else None


def content(session: Session, upload: Upload) -> bytes:
    return STORAGE.read(session, upload)


def for_export(session: Session, account: Account) -> list[dict]:
    """The holder's files, described (not their bytes)."""
    return [{"public_id": upload.public_id, "purpose": upload.purpose,
             "media_type": upload.media_type, "size": upload.size, "sha256": upload.sha256,
             "name": upload.display_name, "created_at": upload.created_at.isoformat(),
             "attached": upload.held_by is not None}
            for upload in session.scalars(select(Upload).where(Upload.account_id == account.id)
                                          .order_by(Upload.id))]
