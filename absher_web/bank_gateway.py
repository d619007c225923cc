"""The banks' refund endpoints: the only place that opens a connection to a bank.

Called through ``absher_web.outside.call`` by services/refunds.py, never inside a database
transaction, like the SMS provider's sms_gateway.py. One instruction is one signed POST
(absher_web/signing.py, the way banks sign to us), bounded by its timeout; a redirect is
refused, and the bank's answer is read up to ANSWER_LIMIT bytes.
"""

from __future__ import annotations

import json
import logging
import re
import time
import urllib.error
import urllib.request

from absher_web import signing

log = logging.getLogger(__name__)

# What the bank may call its reference: what a bill keeps (40 characters), plain text.
BANK_REFERENCE = re.compile(r"[A-Za-z0-9._:/-]{1,40}")
ANSWER_LIMIT = 64 * 1024  # bytes of the bank's answer read at most


class RefundFailed(Exception):
    """The bank did not take the refund; ``bank_fault``: it is down or failing (timeout,
    unreachable, 5xx), so its other refunds wait for the next run."""

    def __init__(self, reason: str, bank_fault: bool = True) -> None:
        super().__init__(reason)
        self.bank_fault = bank_fault


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A bank's redirect is an error (kept for another try), never followed: the signed
    instruction goes to the URL an operator set, and nowhere else."""

    def redirect_request(self, *_args, **_kwargs) -> None:  # noqa: ANN002, ANN003
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def post_to_bank(url: str, bank_code: str, key: str, body: bytes, timeout: float) -> str | None:
    """Send one signed instruction; the bank's reference of the refund (None if its answer
    names none). Raises RefundFailed."""
    headers = signing.signed_headers(bank_code, key, body, time.time())
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with OPENER.open(request, timeout=timeout) as response:
            answer = response.read(ANSWER_LIMIT)
    except urllib.error.HTTPError as error:
        raise RefundFailed(f"the bank answered {error.code}", bank_fault=error.code >= 500) \
            from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise RefundFailed(f"the bank could not be reached: {reason}"[:200]) from None
    try:
        reference = json.loads(answer).get("bank_reference")
    except (ValueError, AttributeError):
        reference = None
    if isinstance(reference, str) and BANK_REFERENCE.fullmatch(reference):
        return reference
    log.warning("the bank %s took a refund but named no usable reference", bank_code)
    return None
