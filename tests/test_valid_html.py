"""Valid HTML: the Nu HTML Checker (vnu-jar, the W3C's validator) over every state of the
states gallery and every htmx fragment, in both languages, in one Java process.

`make test` installs Java (scripts/ensure-java.sh) and the pinned vnu-jar
(scripts/ensure-vnu.sh, into a cache directory); ABSHER_VNU_JAR names another jar.
Without them the test is skipped locally and fails in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from absher_web.localisation import text_direction

VNU_VERSION = "26.9.27"  # the version scripts/ensure-vnu.sh installs
DEFAULT_JAR = (Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
               / "absher-web" / f"vnu-jar-{VNU_VERSION}" / "node_modules" / "vnu-jar" / "build"
               / "dist" / "vnu.jar")

# What the checker may say without failing the test, each with its reason: anywhere, and
# in an htmx fragment only (checked in the smallest document, not in its page).
ALLOWED: dict[str, str] = {}
ALLOWED_IN_FRAGMENTS = {
    "This document has heading elements but none of them has a computed heading level of 1.":
        "a fragment is swapped into its page, under that page's h1 (the services search "
        "results, say)",
}

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def vnu_command() -> list[str]:
    jar = Path(os.environ.get("ABSHER_VNU_JAR") or DEFAULT_JAR)
    java = shutil.which("java")
    if java is None or not jar.is_file():
        reason = (f"the Nu HTML Checker needs java and {jar}: run `make test`, or "
                  "bash scripts/ensure-java.sh and bash scripts/ensure-vnu.sh")
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so this test may not be skipped)")
        pytest.skip(reason)
    return [java, "-Xss4m", "-jar", str(jar)]


def as_document(fragment: str, lang: str) -> str:
    """An htmx fragment in the smallest valid document: its first <title> (which htmx takes
    out for the page's title, never inserts) in the head, the rest in the body where htmx
    swaps it."""
    title = TITLE.search(fragment)
    head_title = title.group(1) if title else "Fragment"
    body = fragment[:title.start()] + fragment[title.end():] if title else fragment
    return (f'<!doctype html>\n<html lang="{lang}" dir="{text_direction(lang)}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{head_title}</title>\n</head>\n<body>\n{body}\n'
            "</body>\n</html>\n")


def allowed(warning: dict) -> bool:
    text = warning.get("message")
    return text in ALLOWED or (".htmx." in warning.get("url", "") and text in ALLOWED_IN_FRAGMENTS)


def write_every_state(states_gallery: dict, folder: Path) -> int:
    for (lang, name), state in states_gallery.items():
        (folder / f"{lang}--{name}.html").write_text(
            as_document(state.text, lang) if state.fragment else state.text, encoding="utf-8")
    return len(states_gallery)


def test_every_state_and_fragment_is_valid_html(states_gallery, tmp_path):
    command = vnu_command()
    count = write_every_state(states_gallery, tmp_path)
    assert count > 300
    checked = subprocess.run([*command, "--format", "json", "--stdout", str(tmp_path)],
                             capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(checked.stdout or "{}").get("messages", [])
    problems = [m for m in messages if m.get("type") in ("error", "non-document-error")
                or (m.get("type") == "info" and m.get("subType") == "warning"
                    and not allowed(m))]
    by_message: dict[str, list[str]] = {}
    for m in problems:
        by_message.setdefault(m.get("message", ""), []).append(
            f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}")
    listing = "\n".join(f"  {len(where)}x {message}\n    e.g. {', '.join(where[:4])}"
                         for message, where in by_message.items())
    assert not problems, f"{len(problems)} problem(s) in {count} documents:\n{listing}"
