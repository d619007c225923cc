"""Download my data: asking, the runner's preparing, the ZIP's sections and what it never
holds, the owner-only download, the pause, expiry and purge."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from absher_web.extensions import db
from absher_web.models import (
    Account,
    ActivationState,
    AuditEvent,
    CodeChallenge,
    CodePurpose,
    DataExport,
    ExportStatus,
    SmsMessage,
    StaffUser,
    utcnow,
)
from absher_web.services import data_exports, retention, staff_looks
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.account.conftest import Citizen, csrf_of
from tests.conftest import PASSWORD
from tests.pages import parse
from tests.staff.conftest import add_officer

PAGE = "/en/account/my-data/download"
KEEP = timedelta(days=3)


@pytest.fixture
def holder(client, make_account, sms_outbox) -> Citizen:
    citizen = Citizen(client, make_account(state=ActivationState.ACTIVE), sms_outbox)
    citizen.sign_in()
    return citizen


def ask(citizen: Citizen):
    page = citizen.client.get(PAGE)
    return citizen.client.post(PAGE + "/ask", data={"csrf_token": csrf_of(page)})


def download(citizen: Citizen, password: str = PASSWORD):
    page = citizen.client.get(PAGE)
    return citizen.client.post(PAGE + "/file", data={"csrf_token": csrf_of(page),
                                                     "password": password})


def prepare(app, now=None) -> int:
    with app.app_context():
        return data_exports.prepare_due(db.transaction, now or utcnow(), KEEP)


def export_of(app, account: Account) -> DataExport | None:
    with app.app_context():
        found = db.session.scalar(select(DataExport).options(undefer(DataExport.content))
                                  .where(DataExport.account_id == account.id))
        if found is not None:
            db.session.expunge(found)
        return found


def count(app, kind: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.kind == kind))


def text_of(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


class TestAskingAndPreparing:
    def test_asked_then_prepared_by_the_runner_then_ready_with_a_text_message(
            self, app, holder):
        assert "Ask for a copy of my data" in text_of(holder.client.get(PAGE))
        assert ask(holder).status_code == 303
        assert "waiting to be prepared" in text_of(holder.client.get(PAGE))
        assert export_of(app, holder.account).status is ExportStatus.ASKED
        assert prepare(app) == 1
        page = text_of(holder.client.get(PAGE))
        assert "Your copy is ready" in page and "Download the copy" in page
        with app.app_context():
            texts = db.session.scalars(select(SmsMessage.body).where(
                SmsMessage.to == holder.account.mobile,
                SmsMessage.purpose == "data_export_notice")).all()
        assert len(texts) == 1 and "is ready" in texts[0]

    def test_the_runner_command_prepares_it(self, app, holder):
        ask(holder)
        result = app.test_cli_runner().invoke(args=["absher", "run-due"])
        assert result.exit_code == 0, result.output
        assert "Data exports: 1 prepared" in result.output
        assert export_of(app, holder.account).status is ExportStatus.READY

    def test_two_runners_at_once_build_it_once(self, app, make_account, sms_outbox):
        holders = [Citizen(app.test_client(), make_account(state=ActivationState.ACTIVE),
                           sms_outbox) for _ in range(3)]
        for citizen in holders:
            citizen.sign_in()
            ask(citizen)
        now = utcnow()
        prepared = at_once([lambda: prepare(app, now), lambda: prepare(app, now)])
        assert sum(prepared) == 3
        assert count(app, "data_export_ready") == 3
        assert {export_of(app, c.account).status for c in holders} == {ExportStatus.READY}

    def test_a_runner_that_died_is_replaced(self, app, holder):
        ask(holder)
        with app.app_context(), db.transaction() as session:
            export = session.scalar(select(DataExport))
            export.status, export.started_at = ExportStatus.PREPARING, utcnow()
        assert prepare(app) == 0  # another runner holds it
        later = utcnow() + data_exports.STALE_CLAIM + timedelta(seconds=1)
        assert prepare(app, later) == 1


class TestTheZip:
    @pytest.fixture
    def zip_file(self, app, holder) -> zipfile.ZipFile:
        # Secrets that must never leave: a code in flight, security answers (make_account).
        with app.app_context(), db.transaction() as session:
            session.add(CodeChallenge(
                id="00000000-0000-0000-0000-000000000001", purpose=CodePurpose.SIGN_IN,
                flow_id="flow", mobile=holder.account.mobile, code_hmac="c0de" * 16,
                created_at=utcnow(), expires_at=utcnow() + timedelta(minutes=5)))
        officer = add_officer(app)
        with app.app_context():
            staff_looks.record(db.session, staff=db.session.get(StaffUser, officer.id),
                               person_national_id=holder.account.national_id,
                               reason=staff_looks.Reason("official_letter", "Letter 7"),
                               now=utcnow())
            db.session.commit()
        ask(holder)
        prepare(app)
        response = download(holder)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/zip"
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["Cache-Control"].startswith("no-store") or \
            "no-store" in response.headers["Cache-Control"]
        return zipfile.ZipFile(io.BytesIO(response.data))

    def test_it_holds_each_section_under_a_fixed_name(self, zip_file, holder):
        names = set(zip_file.namelist())
        assert names == {data_exports.README_NAME} | {
            f"{section.name}.json" for section in data_exports.SECTIONS}
        sections = {name: json.loads(zip_file.read(name)) for name in names
                    if name.endswith(".json")}
        [account] = sections["account.json"]["rows"]
        assert account["national_id"] == holder.account.national_id
        assert sections["civil_registry.json"]["rows"][0]["name_en"] == \
            "Sarah Mohammed Alotaibi"
        [look] = sections["staff_looks.json"]["rows"]
        assert (look["reason"], look["note"], look["office"]) == (
            "official_letter", "Letter 7", "Riyadh Passports")
        kinds = {row["kind"] for row in sections["security_activity.json"]["rows"]}
        assert {"signed_in", "data_export_asked"} <= kinds
        page = zip_file.read(data_exports.README_NAME).decode()
        assert "Who looked at your data" in page and "Letter 7" in page

    def test_no_secret_ever(self, app, zip_file, holder):
        with app.app_context():
            account = db.session.get(Account, holder.account.id)
            secrets = [account.password_hash, account.session_token, "c0de" * 16,
                       *(answer.answer_hash for answer in account.security_answers)]
            officer = db.session.scalar(select(StaffUser))
            secrets += [officer.full_name, officer.username, officer.password_hash]
        everything = b"".join(zip_file.read(name) for name in zip_file.namelist()).decode()
        for secret in secrets:
            assert secret not in everything
        assert "password_hash" not in everything and "session_token" not in everything
        assert "staff_user_id" not in everything


    @pytest.mark.parametrize("lang", ["ar", "en"])
    def test_the_readable_page_is_valid_html_in_the_language_of_the_ask(
            self, app, client, make_account, sms_outbox, tmp_path, lang):
        import subprocess

        from tests.test_valid_html import vnu_command

        citizen = Citizen(client, make_account(state=ActivationState.ACTIVE), sms_outbox,
                          lang=lang)
        citizen.sign_in()
        page = citizen.client.get(f"/{lang}/account/my-data/download")
        citizen.client.post(f"/{lang}/account/my-data/download/ask",
                            data={"csrf_token": csrf_of(page)})
        prepare(app)
        page = citizen.client.get(f"/{lang}/account/my-data/download")
        response = citizen.client.post(f"/{lang}/account/my-data/download/file", data={
            "csrf_token": csrf_of(page), "password": PASSWORD})
        readable = zipfile.ZipFile(io.BytesIO(response.data)).read(data_exports.README_NAME)
        assert f'<html lang="{lang}"' in readable.decode()
        assert ("بياناتك المحفوظة في أبشر" if lang == "ar" else "Your data held by Absher") \
            in readable.decode()
        (tmp_path / "my-data.html").write_bytes(readable)
        checked = subprocess.run([*vnu_command(), "--format", "json", "--stdout",
                                  str(tmp_path / "my-data.html")], capture_output=True,
                                 text=True, timeout=120, check=False)
        problems = [m for m in json.loads(checked.stdout or "{}").get("messages", [])
                    if m.get("type") in ("error", "non-document-error")]
        assert problems == []


class TestDownload:
    def test_only_with_the_password_and_a_wrong_one_counts(self, app, holder):
        ask(holder)
        prepare(app)
        response = download(holder, "Wrong-password1")
        assert response.status_code == 422
        assert "Your current password is not right" in text_of(response)
        assert count(app, "sign_in_failed") == 1
        assert count(app, "data_export_downloaded") == 0
        assert download(holder).status_code == 200
        assert count(app, "data_export_downloaded") == 1

    def test_another_holder_never_gets_it(self, app, holder, make_account, sms_outbox):
        ask(holder)
        prepare(app)
        other = Citizen(app.test_client(), make_account(state=ActivationState.ACTIVE),
                        sms_outbox)
        other.sign_in()
        assert "Ask for a copy of my data" in text_of(other.client.get(PAGE))
        response = download(other)
        assert response.status_code == 404
        assert response.headers["Content-Type"].startswith("text/html")

    def test_signed_out_goes_to_sign_in(self, client):
        assert client.get(PAGE).status_code in (302, 303)


class TestPause:
    def test_twenty_asks_at_once_make_one_export(self, app, holder):
        open_limits(app)
        token = csrf_of(holder.client.get(PAGE))
        tabs = same_browser(app, holder.client, 20)
        statuses = at_once([lambda tab=tab: tab.post(PAGE + "/ask", data={
            "csrf_token": token}).status_code for tab in tabs])
        assert set(statuses) == {303}
        assert count(app, "data_export_asked") == 1
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(DataExport)) == 1

    def test_twenty_asks_at_once_after_the_pause_make_one(self, app, holder):
        open_limits(app)
        ask(holder)
        prepare(app)
        with app.app_context(), db.transaction() as session:
            export = session.scalar(select(DataExport))
            export.asked_at -= timedelta(days=30)
            export.expires_at = utcnow() - timedelta(minutes=1)
        token = csrf_of(holder.client.get(PAGE))
        tabs = same_browser(app, holder.client, 20)
        at_once([lambda tab=tab: tab.post(PAGE + "/ask", data={"csrf_token": token})
                 for tab in tabs])
        assert count(app, "data_export_asked") == 2
        assert export_of(app, holder.account).status is ExportStatus.ASKED

    def test_no_new_copy_before_the_pause_is_over(self, app, holder):
        ask(holder)
        prepare(app)
        later = utcnow() + KEEP + timedelta(minutes=1)
        with app.app_context():
            assert data_exports.expire(db.transaction, later) == 1
        assert export_of(app, holder.account).content is None
        page = text_of(holder.client.get(PAGE))
        assert "no longer offered" in page and "You can ask for a new copy from" in page
        assert ask(holder).status_code == 303
        assert count(app, "data_export_asked") == 1


class TestExpiryAndPurge:
    def test_the_file_goes_at_expiry_and_the_row_after_the_pause(self, app, holder):
        ask(holder)
        prepare(app)
        now = utcnow()
        with app.app_context():
            assert data_exports.expire(db.transaction, now + KEEP - timedelta(minutes=1)) == 0
            assert data_exports.expire(db.transaction, now + KEEP + timedelta(minutes=1)) == 1
            assert download(holder).status_code == 404  # nothing to download any more
            policy = retention.RetentionPolicy.from_config(app.config)
            soon = now + policy.export_pause - timedelta(hours=1)
            assert retention.purge(db.transaction, policy, soon)["expired data exports"] == 0
            later = now + policy.export_pause + timedelta(hours=1)
            assert retention.purge(db.transaction, policy, later)["expired data exports"] == 1
        assert export_of(app, holder.account) is None
        assert ask(holder).status_code == 303
        assert export_of(app, holder.account).status is ExportStatus.ASKED


def test_sections_have_fixed_file_names():
    with pytest.raises(ValueError):
        data_exports.Section("../etc", "x", lambda session, account: [])
    assert all(data_exports.SECTION_NAME.fullmatch(section.name)
               for section in data_exports.SECTIONS)


def test_every_service_that_keeps_a_holders_rows_is_a_section():
    """A service module with ``for_export`` describes a holder's rows: the copy holds it."""
    import importlib
    import pkgutil

    import absher_web.services as services

    exported = {section.rows for section in data_exports.SECTIONS}
    missing = []
    for module_info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"absher_web.services.{module_info.name}")
        rows = getattr(module, "for_export", None)
        if rows is not None and rows not in exported:
            missing.append(module_info.name)
    assert not missing, f"for_export not in data_exports.SECTIONS: {missing}"
