"""The `flask absher ...` commands for operators, also installed as the `absher` command.

Each command runs inside the app context (FlaskGroup pushes it), uses its own
short transaction, and exits non-zero when it did not do what was asked. One module per
group: operators (settings, schema, API clients, officers, accounts, the runner),
imports (the government's records), payments (pay-bill, refund URLs, bills,
reconciliation), civil_affairs (a birth registration delivered), demo, translate.
"""

from __future__ import annotations

import click

from absher_web.cli import (  # noqa: F401 (their commands)
    civil_affairs,
    demo,
    files,
    imports,
    operators,
    payments,
    translate,
)
from absher_web.cli.base import absher

__all__ = ["absher", "main"]


def main() -> None:
    """The `absher` console script: these commands, the app made from the ABSHER_* settings.

    `absher migrate` is `flask --app wsgi absher migrate`, from any directory.
    """
    from flask.cli import ScriptInfo

    absher.main(prog_name="absher",
                obj=ScriptInfo(create_app=app_or_exit, set_debug_flag=False))


def app_or_exit():
    """The app, or each settings problem on its own line and exit status 2."""
    from absher_web import create_app
    from absher_web.settings_check import SettingsError

    try:
        return create_app()
    except SettingsError as error:
        click.echo(str(error), err=True)
        raise SystemExit(2) from None
