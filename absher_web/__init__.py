"""Absher Web: the Absher Individuals account portal, in Arabic and English."""

from __future__ import annotations

from flask import Flask

from absher_web import settings_check
from absher_web.config import (
    INSTANCE_DIR,
    TEMPLATES_DIR,
    Config,
    ProductionConfig,
    config_from_env,
)


def create_app(config: type[Config] | dict | None = None) -> Flask:
    """Build the application.

    ``config`` is a Config class, or a dict of overrides applied on top of the
    configuration chosen by ABSHER_ENV (development by default).
    """
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES_DIR),  # the checkout's, or the installed package's
        static_folder=None,  # served by absher_web.assets with content-hashed URLs
        instance_path=str(INSTANCE_DIR),
    )
    try:  # the development database and SMS file go here; production may make it read-only
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    config_class = config if isinstance(config, type) else config_from_env()
    app.config.from_object(config_class)
    if isinstance(config, dict):
        app.config.update(config)
    # Every setting checked before anything uses one: all problems at once, then no start.
    settings_check.check(app.config, production=issubclass(config_class, ProductionConfig))

    from absher_web import assets, cli, extensions, localisation, observability, outside, security
    from absher_web.services import (  # noqa: F401
        bill_jobs,
        births,
        family_records,
        iqamas,
        passports,
        residency,
        sms,
        vehicle_sales,
    )
    from absher_web.services.eservices import vehicles, visa  # noqa: F401 (see below)
    from absher_web.web import page_cache, register_blueprints
    from absher_web.web.errors import register_error_handlers

    # family_records and births register their requests' kinds (services/requests.py)
    # when imported; births, residency and iqamas also their bills' services (services/bills.py).
    # The fee-bearing services (vehicles, visa, vehicle_sales) register what their paid bills do
    # (services/bills.py) when imported above: so a bank's notice, run-due or any command
    # finds them, whether or not a page was ever served.
    observability.init_app(app)  # first: every later hook and log line has the request id
    observability.add_scraped(app, bill_jobs.WaitingWork())  # refunds and carry-ons waiting
    outside.track_transactions()  # an outside call inside a transaction is logged
    extensions.db.init_app(app)
    extensions.csrf.init_app(app)
    extensions.compress.init_app(app)
    extensions.init_limiter(app)
    localisation.init_app(app)
    assets.init_app(app)  # before security: the policy names the inline stylesheet's hash
    page_cache.init_app(app)  # before the session hooks, inside the host check
    security.init_app(app)
    sms.init_app(app)
    register_blueprints(app)
    page_cache.register_prepared_pages(app)
    register_error_handlers(app)
    app.cli.add_command(cli.absher)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Trust X-Forwarded-* from exactly this many proxies in front of the app.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app
