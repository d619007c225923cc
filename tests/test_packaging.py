"""The wheel is the site: built from a source distribution the way `python -m build` does,
installed into a fresh venv outside the checkout, it migrates an empty database, fills the
demo registry and serves the Arabic pages and their hashed stylesheet through gunicorn with
deploy/gunicorn.conf.py, from a directory that has nothing of the checkout in it.

Fast and offline: the build uses this venv's setuptools and Babel (no build isolation), and
the fresh venv finds the dependencies through a .pth line naming this venv's site-packages,
so nothing is downloaded; `pip check` confirms the declared requirements are met. This
venv's own (editable) absher_web is not visible there: .pth lines add a directory, they do
not run the .pth files inside it.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from absher_web import cli
from absher_web.config import PROJECT_ROOT

# It asks for no database: run once, in the SQLite run.
pytestmark = [pytest.mark.packaging, pytest.mark.database_free]

GUNICORN_CONF = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "instance", ".pytest_cache",
    ".ruff_cache", ".hypothesis", "test-results", "node_modules", "__pycache__", "*.pyc", "*.mo",
)


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    completed = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                               timeout=120, **kwargs)
    assert completed.returncode == 0, (command, completed.stdout, completed.stderr)
    return completed


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """sdist from a copy of the working tree, then the wheel from the unpacked sdist."""
    tmp = tmp_path_factory.mktemp("build")
    source = tmp / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=NOT_SOURCE)
    dist = tmp / "dist"
    run(sys.executable, "-c",
        "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])",
        dist, cwd=source)
    (sdist,) = dist.glob("absher_web-*.tar.gz")
    with tarfile.open(sdist) as archive:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # 3.11.4+
        archive.extractall(tmp / "unpacked", **safe)
    (unpacked,) = (tmp / "unpacked").iterdir()
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--no-index", "--wheel-dir", dist, unpacked)
    (built,) = dist.glob("absher_web-*.whl")
    return built


def test_the_wheel_carries_the_site(wheel, record_property):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read(next(name for name in names
                                         if name.endswith(".dist-info/entry_points.txt")))
        arabic = gettext.GNUTranslations(
            archive.open("absher_web/translations/ar/LC_MESSAGES/messages.mo"))
    record_property("wheel_bytes", wheel.stat().st_size)
    for path in ("templates", "static", "translations", "migrations"):
        assert not any(name.startswith(f"{path}/") for name in names), "outside the package"
    for tree, suffix in (("templates", ".html"), ("static", ""), ("migrations/versions", ".py")):
        expected = {f"absher_web/{file.relative_to(PROJECT_ROOT).as_posix()}"
                    for file in (PROJECT_ROOT / tree).rglob(f"*{suffix}")
                    if file.is_file() and "__pycache__" not in file.parts}
        assert expected and expected <= names, expected - names
    assert {"absher_web/alembic.ini", "absher_web/migrations/env.py",
            "absher_web/migrations/script.py.mako",
            "absher_web/translations/en/LC_MESSAGES/messages.mo"} <= names
    # Compiled at build time; the sources stay in the repository.
    assert arabic.gettext("New user") == "مستخدم جديد"
    assert not any(name.endswith((".po", ".pot", ".pyc")) for name in names)
    assert b"absher = absher_web.cli:main" in entry_points


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv with the wheel, and an environment naming nothing of the checkout."""
    tmp = tmp_path_factory.mktemp("installed")
    assert PROJECT_ROOT not in tmp.parents
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                .stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
        "--no-index", wheel)
    run(sys.executable, "-m", "pip", "--python", python, "check")

    home, workdir = tmp / "home", tmp / "elsewhere"
    home.mkdir()
    workdir.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ABSHER_", "FLASK_", "PYTHON", "VIRTUAL_ENV", "GUNICORN_",
                                  "PROMETHEUS_", "XDG_RUNTIME_DIR", "WEB_CONCURRENCY"))}
    env.update({
        "HOME": str(home),
        "ABSHER_DATABASE_URL": f"sqlite:///{tmp / 'absher.sqlite3'}",  # empty, not created yet
        "ABSHER_SMS_FILE": str(tmp / "sms.jsonl"),
        "ABSHER_INSTANCE_DIR": str(tmp / "instance"),
    })
    return {"venv": venv, "python": python, "absher": venv / "bin" / "absher", "env": env,
            "cwd": workdir, "home": home, "tmp": tmp}


def test_the_install_runs_from_its_own_files(installed):
    where = run(installed["python"], "-c",
                "import absher_web, absher_web.config as c; "
                "print(absher_web.__file__, c.IS_CHECKOUT, c.TEMPLATES_DIR, c.INSTANCE_DIR)",
                env=installed["env"], cwd=installed["cwd"]).stdout.split()
    assert Path(where[0]).is_relative_to(installed["venv"])
    assert where[1] == "False"
    assert Path(where[2]).is_relative_to(installed["venv"])
    assert Path(where[3]) == installed["tmp"] / "instance"


def test_the_console_script_has_every_command(installed):
    usage = run(installed["absher"], "--help", env=installed["env"], cwd=installed["cwd"]).stdout
    for name in cli.absher.commands:
        assert re.search(rf"^\s+{re.escape(name)}\b", usage, re.M), name
    version = run(installed["absher"], "version", env=installed["env"], cwd=installed["cwd"])
    assert version.stdout.startswith("absher-web ")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, \
            response.read()


def test_migrate_seed_and_serve_from_anywhere(installed):
    env, cwd, absher = installed["env"], installed["cwd"], installed["absher"]
    assert "up to date" in run(absher, "migrate", env=env, cwd=cwd).stdout
    assert "demo people" in run(absher, "seed-demo", env=env, cwd=cwd).stdout
    assert "builds kept" in run(absher, "collect-static", env=env, cwd=cwd).stdout

    port = free_port()
    log = installed["tmp"] / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(installed["python"]), "-m", "gunicorn", "--config", str(GUNICORN_CONF),
             "--bind", f"127.0.0.1:{port}", "--workers", "2", "absher_web:create_app()"],
            env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, headers, page = get(f"{base}/ar/", **{"X-Request-ID": "packaging-0001"})
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        html = page.decode()
        assert status == 200
        assert 'dir="rtl"' in html and 'lang="ar"' in html
        assert "أبشر أفراد" in html  # from the compiled Arabic catalog
        english = get(f"{base}/en/")[2].decode()
        assert 'dir="ltr"' in english and "Absher Individuals" in english

        assert "<style>" in html  # the stylesheet, inline
        script = re.search(r'src="(/static/js/app\.[0-9a-f]{12}\.js)"', html)[1]
        status, script_headers, code = get(base + script)
        assert status == 200
        assert script_headers["cache-control"] == "public, max-age=31536000, immutable"
        assert script_headers["content-type"].startswith("application/javascript")
        retained = installed["tmp"] / "instance" / script.removeprefix("/")
        assert retained.read_bytes() == code  # what nginx would serve

        assert get(f"{base}/healthz")[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    lines = log.read_text().splitlines()
    access = [json.loads(line) for line in lines if '"logger": "gunicorn.access"' in line]
    page_line = next(line for line in access if line["message"] == "GET /ar/ HTTP/1.1")
    assert page_line["status"] == 200
    assert page_line["request_id"] == headers.get("x-request-id", "-")
    assert not any("GET /healthz" in line for line in lines)  # probes stay out of the log
    # No control socket was opened (gunicorn 25.1+ would put it in ~/.gunicorn).
    assert not (installed["home"] / ".gunicorn").exists()

