"""Files people send: `upload-pages` lists the pages that take files, as nginx locations
that let their bodies through (every other page keeps nginx's small limit)."""

from __future__ import annotations

import re

import click
from flask import current_app

from absher_web.cli.base import absher

VARIABLE = re.compile(r"<(?:[^:<>]+:)?[^<>]+>")


def location_pattern(rule: str) -> str:
    """An nginx regular expression for a URL rule: each <variable> one path segment."""
    parts = VARIABLE.split(rule)
    return "^" + "[^/]+".join(re.escape(part).replace("\\/", "/") for part in parts) + "$"


@absher.command("upload-pages")
def upload_pages() -> None:
    """Print an nginx location for each page that takes files, with the body limit of
    ABSHER_UPLOAD_MAX_REQUEST_BYTES, for the site's server block."""
    from absher_web.web.files import view_rules_taking_files

    limit_kb = -(-current_app.config["UPLOAD_MAX_REQUEST_BYTES"] // 1024)
    rules = view_rules_taking_files(current_app)
    click.echo(f"# {len(rules)} page(s) take files; bodies up to {limit_kb}k.")
    for rule in rules:
        click.echo(f'location ~ "{location_pattern(rule)}" {{\n'
                   f"    client_max_body_size {limit_kb}k;\n"
                   f"    client_body_buffer_size 64k;\n"
                   f"    proxy_pass http://absher;\n}}")
