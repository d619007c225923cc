"""A file lives as long as the record that holds it: one no record took is purged after
RETAIN_UNATTACHED_UPLOADS; a request's go with the request; a record releases its own.
Attaching is one conditional UPDATE: of many at once, one record gets the file."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from absher_web.extensions import db
from absher_web.models import RequestStatus, ServiceRequest, Upload
from absher_web.services import retention, uploads
from tests.account.concurrency import at_once
from tests.files.conftest import PURPOSE, jpeg, plain_pdf, png

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def accepted(app, account, content: bytes, name: str, when: datetime) -> Upload:
    with app.test_request_context("/en/"), db.transaction() as session:
        return uploads.accept(session, FileStorage(stream=io.BytesIO(content),
                                                   filename=name),
                              account=account, purpose=PURPOSE, now=when)


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Upload))


def purge(app) -> dict[str, int]:
    with app.app_context(), time_machine.travel(NOW, tick=False):
        return retention.purge(db.transaction,
                               retention.RetentionPolicy.from_config(app.config), NOW)


def a_request(app, account, number: str) -> int:
    with app.app_context(), db.transaction() as session:
        found = ServiceRequest(number=number, service="sample", request_key=number,
                               account_id=account.id, beneficiary_id=account.national_id,
                               status=RequestStatus.SUBMITTED, details={}, created_at=NOW,
                               changed_at=NOW)
        session.add(found)
        session.flush()
        return found.id


def test_orphans_go_after_a_while_and_held_files_stay(app, make_account):
    account = make_account()
    old_orphan = accepted(app, account, png(), "old.png", NOW - timedelta(days=2))
    accepted(app, account, png(), "young.png", NOW - timedelta(hours=1))
    held = accepted(app, account, jpeg(), "held.jpg", NOW - timedelta(days=30))
    with app.app_context(), db.transaction() as session:
        assert uploads.attach(session, [held], "objection:7", NOW) == 1
    report = purge(app)
    assert report["unattached files"] == 1 and count(app) == 2
    with app.app_context():
        assert db.session.scalar(select(Upload).where(Upload.id == old_orphan.id)) is None
        with db.transaction() as session:
            assert [found.public_id for found in uploads.held_by(session, "objection:7")] == [
                held.public_id]
            assert uploads.release(session, "objection:7") == 1
    assert count(app) == 1


def test_a_requests_files_go_with_the_request(app, make_account):
    account = make_account()
    kept_id, gone_id = a_request(app, account, "1000000001"), a_request(app, account, "10002")
    kept = accepted(app, account, plain_pdf(), "a.pdf", NOW)
    gone = accepted(app, account, plain_pdf(), "b.pdf", NOW)
    with app.app_context(), db.transaction() as session:
        uploads.attach(session, [kept], uploads.request_holder(kept_id), NOW)
        uploads.attach(session, [gone], uploads.request_holder(gone_id), NOW)
        session.execute(ServiceRequest.__table__.delete().where(
            ServiceRequest.id == gone_id))
    assert purge(app)["files of deleted requests"] == 1
    with app.app_context():
        assert db.session.scalars(select(Upload.public_id)).all() == [kept.public_id]


def test_a_file_is_attached_once_however_many_try_at_once(app, make_account):
    account = make_account()
    upload = accepted(app, account, png(), "once.png", NOW)

    def attach(holder: str):
        def job() -> int:
            with app.app_context(), db.transaction() as session:
                return uploads.attach(session, [upload], holder, NOW)
        return job

    results = at_once([attach(f"objection:{n}") for n in range(20)])
    assert sorted(results) == [0] * 19 + [1]
    with app.app_context():
        assert db.session.scalar(select(Upload.held_by)).startswith("objection:")


def test_the_export_describes_the_holders_files(app, make_account):
    account, other = make_account(), make_account()
    upload = accepted(app, account, png(), "mine.png", NOW)
    accepted(app, other, png(), "theirs.png", NOW)
    with app.app_context():
        rows = uploads.for_export(db.session, account)
    assert rows == [{"public_id": upload.public_id, "purpose": PURPOSE, "media_type": "image/png",
                     "size": upload.size, "sha256": upload.sha256, "name": "mine.png",
                     "created_at": NOW.isoformat(), "attached": False}]
