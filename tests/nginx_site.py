"""deploy/nginx/absher.conf in a throw-away prefix, with only its ports and paths changed and
a self-signed certificate made for the run: tests/test_deploy.py checks and serves through
it, bench/capacity.py puts it in front of two instances."""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from absher_web.config import PROJECT_ROOT

NGINX_CONF = PROJECT_ROOT / "deploy" / "nginx" / "absher.conf"
HOST = "absher.example.sa"  # the server block's name
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)),
    None)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "fullchain.pem", directory / "privkey.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def replace_exactly(text: str, old: str, new: str, count: int) -> str:
    found = text.count(old)
    if found != count:
        raise AssertionError(f"deploy/nginx/absher.conf: expected {count} x {old!r}, "
                             f"found {found}")
    return text.replace(old, new)


def nginx_prefix(tmp: Path, http_port: int, https_port: int, upstreams: tuple[int, int],
                 state_dir: Path, worker_processes: str = "1",
                 worker_connections: int = 64) -> Path:
    """The shipped server block with only ports and paths changed, in a throwaway prefix;
    ``upstreams`` are the ports of the two instances. Returns the nginx.conf to run."""
    cert, key = self_signed_certificate(tmp)
    site = NGINX_CONF.read_text()
    site = replace_exactly(site, "/etc/absher/tls/fullchain.pem", str(cert), 1)
    site = replace_exactly(site, "/etc/absher/tls/privkey.pem", str(key), 1)
    site = replace_exactly(site, "/var/log/nginx/", f"{tmp}/", 2)
    site = replace_exactly(site, "root /var/lib/absher;", f"root {state_dir};", 1)
    for shipped, port in zip((8001, 8002), upstreams, strict=True):
        site = replace_exactly(site, f"server 127.0.0.1:{shipped} ", f"server 127.0.0.1:{port} ",
                               1)
    site = re.sub(r"^\s*listen \[::\]:.*\n", "", site, flags=re.M)  # the host may lack IPv6
    site = replace_exactly(site, "listen 80", f"listen 127.0.0.1:{http_port}", 2)
    site = replace_exactly(site, "listen 443", f"listen 127.0.0.1:{https_port}", 2)
    (tmp / "absher.conf").write_text(site)
    mime = Path("/etc/nginx/mime.types")
    types = (f"include {mime};" if mime.exists() else
             "types { text/css css; application/javascript js; image/svg+xml svg; }")
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the temporary dir
    (tmp / "nginx.conf").write_text(f"""
{user}
pid {tmp}/nginx.pid;
worker_processes {worker_processes};
events {{ worker_connections {worker_connections}; }}
http {{
    {types}
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/absher.conf;
}}
""")
    return tmp / "nginx.conf"
