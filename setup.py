"""The build step that puts the site's files into the wheel (metadata is in pyproject.toml).

The repository keeps templates/, static/, translations/, migrations/ and alembic.ini at its
top, where developers and translators expect them. setuptools packages only what is under
absher_web/, so build_py copies them into the built package (absher_web/templates, ...) and
compiles every translations/<lang>/LC_MESSAGES/messages.po into the messages.mo beside it:
a wheel carries the compiled catalogs only and needs nothing written at run time. absher_web.config
finds the files inside the package when they are there, and at the top of the checkout
otherwise, so an editable install (make run, make test) reads the checkout directly and this
step copies nothing for it.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SITE_DIRECTORIES = ("templates", "static", "translations", "migrations")
SITE_FILES = ("alembic.ini",)
NEVER_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", ".*")


def compile_catalogs(translations: Path) -> list[Path]:
    """messages.po -> messages.mo for every language (fuzzy entries left out), or none at
    all: a placeholder, plural or format mistake in any catalog stops the build
    (absher_web/catalogs.py, the same check as make translations-compile)."""
    # The module alone (it needs Babel only), not the package and its dependencies.
    spec = importlib.util.spec_from_file_location("absher_catalogs",
                                                  ROOT / "absher_web" / "catalogs.py")
    catalogs = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(catalogs)
    try:
        return [mo_file for mo_file, _, _ in catalogs.compile_catalogs(translations)]
    except catalogs.CatalogError as error:
        raise RuntimeError("the catalogs have mistakes:\n" + str(error)) from None


class BuildWithSiteFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the checkout is used in place
        package = Path(self.build_lib) / "absher_web"
        for name in SITE_DIRECTORIES:
            target = package / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target, ignore=NEVER_COPIED)
        for name in SITE_FILES:
            shutil.copy2(ROOT / name, package / name)
        compile_catalogs(package / "translations")
        for source in (package / "translations").rglob("*.po*"):  # .po and .pot: not read
            source.unlink()


setup(cmdclass={"build_py": BuildWithSiteFiles})
