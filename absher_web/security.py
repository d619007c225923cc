"""Response headers that every page carries (CSP, framing, sniffing, referrer), the
trusted-host check that runs before any view, and the site kept at the root of its host."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, abort, request
from werkzeug.wrappers import Response

from absher_web.observability import OPERATOR_PATHS
from absher_web.web.htmx import is_htmx_request

# Exactly the policy in DESIGN.md: no inline script, no eval, no plugins, no framing...
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def content_security_policy(inline_style_source: str) -> str:
    """... and one inline stylesheet, the pages' own, allowed by its hash (never
    'unsafe-inline': an injected <style> or style attribute is still refused)."""
    return f"{CONTENT_SECURITY_POLICY}; style-src 'self' {inline_style_source}"


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


# An htmx answer is read by the page's fetch and swapped into that page, which keeps its own
# policy; it is never a document of its own. These headers act only on a document (framing,
# the browser's features, the window's opener; HSTS the page itself has just renewed) or on
# another site's no-cors request (CORP: it cannot send HX-Request, so it gets the full page,
# which carries it), so an htmx answer goes without them: 3 KB is its whole budget
# (SECURITY.md, "Headers").
DOCUMENT_ONLY_HEADERS = ("X-Frame-Options", "Permissions-Policy", "Cross-Origin-Opener-Policy",
                         "Cross-Origin-Resource-Policy", "Strict-Transport-Security")
# Its policy is kept, and the strictest: were it ever shown as a page, nothing would load.
FRAGMENT_POLICY = "default-src 'none'; frame-ancestors 'none'"


UNTRUSTED_HOST_KEY = "absher.untrusted_host"


def host_name(host: str) -> str:
    """The name in a Host header value, without the port: 'Example.sa:443' -> 'example.sa'."""
    host = host.strip().lower()
    if host.startswith("["):  # an IPv6 literal, [::1]:5000
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def is_trusted(host: str, trusted: Iterable[str]) -> bool:
    """An exact name from the setting, or a subdomain of an entry written '.example.sa'."""
    name = host_name(host)
    return bool(name) and any(
        name == entry or (entry.startswith(".") and name.endswith(entry)) for entry in trusted)


class TrustedHostCheck:
    """WSGI middleware: marks a request whose Host or X-Forwarded-Host is not the site's.

    The mark is acted on by the first before_request hook (a translated 400 page); until
    then the request carries the site's own host, so nothing (url_for, the error page, an
    SMS) can ever be built from a forged or malformed one.
    """

    def __init__(self, wsgi_app: Callable, trusted: tuple[str, ...]) -> None:
        if not trusted:
            raise RuntimeError("ABSHER_ALLOWED_HOSTS is empty: list the site's host names.")
        self.wsgi_app, self.trusted = wsgi_app, trusted
        self.fallback = trusted[0].lstrip(".")

    def __call__(self, environ: dict, start_response: Callable):
        if environ.get("PATH_INFO") in OPERATOR_PATHS:
            # Load balancers and Prometheus call instances by address; these build no links.
            return self.wsgi_app(environ, start_response)
        hosts = [environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")]
        hosts += environ.get("HTTP_X_FORWARDED_HOST", "").split(",") \
            if "HTTP_X_FORWARDED_HOST" in environ else []
        if not all(is_trusted(host, self.trusted) for host in hosts):
            environ[UNTRUSTED_HOST_KEY] = True
            environ["HTTP_HOST"] = self.fallback
            environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.wsgi_app(environ, start_response)


class SiteAtTheRoot:
    """WSGI middleware: the site lives at the root of its host, so no request may say it is
    mounted under a prefix. A SCRIPT_NAME the server took from a request header (gunicorn's
    forwarder headers) would otherwise prefix every link the page builds, and a page cache
    would keep those links for every later visitor. The prefix goes back into the path,
    which is then routed (and refused) as the path it really was."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable):
        script_name = environ.get("SCRIPT_NAME", "")
        if script_name:
            environ["PATH_INFO"] = script_name + environ.get("PATH_INFO", "")
            environ["SCRIPT_NAME"] = ""
        return self.wsgi_app(environ, start_response)


def origin_host(config: dict) -> str:
    """The host named in SMS (the WebOTP line): configured, never taken from a request."""
    return config.get("SMS_ORIGIN_HOST") or config["ALLOWED_HOSTS"][0].lstrip(".")


def security_headers(app: Flask) -> dict[str, str]:
    """What every response carries (assets.init_app has read the stylesheet)."""
    policy = content_security_policy(app.extensions["absher_inline_style"].csp_source)
    headers = {"Content-Security-Policy": policy, **SECURITY_HEADERS}
    if app.config["SESSION_COOKIE_SECURE"]:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers


def fragment_headers(headers: dict[str, str]) -> dict[str, str]:
    """The headers of an answer to htmx: a page's, less those only a document uses."""
    return {**{name: value for name, value in headers.items()
               if name not in DOCUMENT_ONLY_HEADERS},
            "Content-Security-Policy": FRAGMENT_POLICY}


def init_app(app: Flask) -> None:
    app.wsgi_app = TrustedHostCheck(SiteAtTheRoot(app.wsgi_app),
                                    tuple(app.config["ALLOWED_HOSTS"]))
    headers = app.extensions["absher_security_headers"] = security_headers(app)
    htmx_headers = fragment_headers(headers)

    @app.before_request
    def refuse_untrusted_host() -> None:
        if request.environ.get(UNTRUSTED_HOST_KEY):
            abort(400)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in (htmx_headers if is_htmx_request() else headers).items():
            response.headers.setdefault(name, value)
        # Pages may carry personal data and single-use tokens: never stored by caches.
        response.headers.setdefault("Cache-Control", "no-store")
        return response
