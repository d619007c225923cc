"""Two instances of the site (real gunicorn processes, two workers each) on one PostgreSQL
and one Redis: any step of a journey may reach either, and the per-address limits are
counted across both, as behind a load balancer."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from prometheus_client.parser import text_string_to_metric_families

from absher_web.config import PROJECT_ROOT
from tests.conftest import POSTGRES_URL, REDIS_URL

pytestmark = [
    pytest.mark.postgres, pytest.mark.redis,
    pytest.mark.skipif(not (POSTGRES_URL and REDIS_URL),
                       reason="needs ABSHER_TEST_DATABASE_URL and ABSHER_TEST_REDIS_URL"),
]
GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "Qm7rTz4wLp"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Instance:
    def __init__(self, environment: dict[str, str], metrics_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**environment, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
        metrics_dir.mkdir()
        self.process = subprocess.Popen(
            [str(GUNICORN), "--config", str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py"),
             "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "absher_web:create_app()"],
            env=env, cwd=metrics_dir.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None:
                raise AssertionError(self.process.stderr.read().decode())
            time.sleep(0.3)
        raise AssertionError("the instance did not become ready")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def instances(app, database_url, provider, tmp_path):
    """Two instances sharing the suite's database and Redis; `app` empties it afterwards."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("ABSHER_")}
    environment.update({
        "ABSHER_ENV": "development", "ABSHER_SECRET_KEY": "two-instances-share-this-key",
        "ABSHER_DATABASE_URL": database_url, "ABSHER_RATELIMIT_STORAGE_URI": REDIS_URL,
        "ABSHER_RATELIMIT_KEY_PREFIX": f"two-instances-{uuid.uuid4().hex}",
        "ABSHER_RATELIMIT_RECOVER": "3 per hour", "ABSHER_SMS_BACKEND": "http",
        "ABSHER_SMS_URL": provider.url, "ABSHER_SMS_API_KEY": provider.api_key,
        "ABSHER_CAPTCHA_FIXED_ANSWER": "24680", "ABSHER_BCRYPT_ROUNDS": "4",
        "WEB_CONCURRENCY": "2"})
    both = [Instance(environment, tmp_path / f"metrics-{index}") for index in range(2)]
    try:
        for instance in both:
            instance.wait_until_ready()
        yield both
    finally:
        for instance in both:
            instance.stop()


def form_fields(response: requests.Response) -> dict[str, str]:
    soup = BeautifulSoup(response.text, "html.parser")
    return {field["name"]: field.get("value", "")
            for field in soup.find_all("input", attrs={"type": "hidden"})}


def test_every_step_may_reach_the_other_instance(instances, make_person, provider):
    first, second = instances
    browser = requests.Session()
    national_id = make_person()

    form = browser.get(f"{first.url}/en/register")
    answer = browser.post(f"{second.url}/en/register", allow_redirects=False, data={
        **form_fields(form), "national_id": national_id, "mobile": "0551234567",
        "username": "Twoplaces1", "password": PASSWORD, "confirm_password": PASSWORD,
        "email": "two@example.com", "confirm_email": "two@example.com",
        "preferred_language": "en", "captcha_answer": "24680", "accept_terms": "y"})
    assert answer.status_code == 303, answer.text[:500]
    code_page = browser.get(f"{first.url}/en/register/code")
    done = browser.post(f"{second.url}/en/register/code", allow_redirects=False,
                        data={**form_fields(code_page), "code": provider.last_code()})
    assert done.status_code == 303, done.text[:500]

    login = browser.get(f"{second.url}/en/individuals/login")
    signed = browser.post(f"{first.url}/en/individuals/login", allow_redirects=False,
                          data={**form_fields(login), "identifier": "Twoplaces1",
                                "password": PASSWORD})
    assert signed.status_code == 303
    code_page = browser.get(f"{second.url}/en/individuals/login/code")
    home = browser.post(f"{first.url}/en/individuals/login/code", allow_redirects=False,
                        data={**form_fields(code_page), "code": provider.last_code()})
    assert home.status_code == 303
    # The questions come first after the first sign-in, on whichever instance answers.
    questions = browser.get(f"{second.url}/en/account/", allow_redirects=True)
    assert questions.status_code == 200 and "security question" in questions.text.lower()


def test_the_per_address_limit_is_counted_across_both(instances):
    first, second = instances
    statuses = []
    for instance in (first, second, first, second):
        page = requests.get(f"{instance.url}/en/recover")
        statuses.append(requests.post(f"{instance.url}/en/recover", data=form_fields(page),
                                      cookies=page.cookies).status_code)
    assert statuses == [422, 422, 422, 429]


def test_metrics_add_up_over_an_instances_workers(instances):
    first, _ = instances
    for _ in range(12):  # spread over both workers by the kernel
        assert requests.get(f"{first.url}/en/about").status_code == 200
    text = requests.get(f"{first.url}/metrics").text
    served = sum(sample.value for family in text_string_to_metric_families(text)
                 for sample in family.samples
                 if sample.name == "absher_http_requests_total"
                 and sample.labels.get("endpoint") == "public.about")
    assert served == 12
    assert re.search(r'absher_http_request_duration_seconds_count\{endpoint="public.about"\}',
                     text)
