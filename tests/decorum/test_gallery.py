"""The decorum states of the gallery: each renders in both languages, and the Nu HTML
Checker finds nothing in them (the whole gallery's checks, tests/test_valid_html.py and
tests/browser/test_states_gallery.py, cover them too)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from absher_web.web import dev_states
from tests.conftest import POSTGRES_URL
from tests.test_valid_html import allowed, as_document, vnu_command

ENTRIES = [entry for entry in dev_states.entries() if "decorum" in entry.name]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_decorum_state_renders(client, lang):
    assert len(ENTRIES) >= 20
    for entry in ENTRIES:
        response = client.get(f"/{lang}/dev/states/{entry.name}")
        assert response.status_code in (200, 409, 422), (entry.name, response.status_code)


def test_every_decorum_state_is_valid_html(client, tmp_path):
    if POSTGRES_URL:
        pytest.skip("the states gallery reads no database: checked once, in the SQLite run")
    command = vnu_command()
    for lang in ("ar", "en"):
        for entry in ENTRIES:
            source = client.get(f"/{lang}/dev/states/{entry.name}").get_data(as_text=True)
            (tmp_path / f"{lang}--{entry.name}.html").write_text(
                as_document(source, lang) if entry.fragment else source, encoding="utf-8")
    checked = subprocess.run([*command, "--format", "json", "--stdout", str(tmp_path)],
                             capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(checked.stdout or "{}").get("messages", [])
    problems = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
                for m in messages if m.get("type") in ("error", "non-document-error")
                or (m.get("type") == "info" and m.get("subType") == "warning"
                    and not allowed(m))]
    assert not problems, "\n".join(problems[:30])
