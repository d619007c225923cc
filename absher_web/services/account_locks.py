"""Which locks hold an account, and lifting them: at a Passports office or by an operator.

A holder can be locked out three ways (services/lockout.py, services/recovery.py):
signing in, for a while after wrong passwords (or until recovery, after many); and
password recovery, for an hour after wrong security answers. Someone who has proved who
the holder is (an officer who verified their fingerprints, an operator acting on the
ministry's request) may lift them all: every count starts again from nothing, as after
a recovered password. Each lifting is audited and shown in the holder's activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from absher_web.models import Account, StaffUser
from absher_web.services import audit
from absher_web.services.lockout import FAILURES_BEFORE_LOCK, FAILURES_BEFORE_RECOVERY


@dataclass(frozen=True)
class Locks:
    """The locks on an account at one moment."""

    sign_in_until: datetime | None = None  # locked after wrong passwords, until then
    needs_recovery: bool = False  # locked until the password is recovered (or lifted)
    recovery_until: datetime | None = None  # password recovery locked, until then

    @property
    def any(self) -> bool:
        return bool(self.sign_in_until or self.needs_recovery or self.recovery_until)

    def names(self) -> list[str]:
        """What is locked, as audit details and operators' output name it."""
        return [name for name, held in (("sign_in", self.sign_in_until),
                                        ("needs_recovery", self.needs_recovery),
                                        ("recovery", self.recovery_until)) if held]


def locks_of(account: Account, now: datetime) -> Locks:
    sign_in_until = account.locked_until if account.locked_until and \
        account.locked_until > now else None
    if sign_in_until is None and account.consecutive_failures >= FAILURES_BEFORE_LOCK:
        # The count is full and the lock about to be taken (lockout._refusal takes it):
        # the next try is refused, so it counts as locked now.
        sign_in_until = now
    recovery_until = account.recovery_locked_until if account.recovery_locked_until and \
        account.recovery_locked_until > now else None
    return Locks(sign_in_until=sign_in_until,
                 needs_recovery=account.failures_since_recovery >= FAILURES_BEFORE_RECOVERY,
                 recovery_until=recovery_until)


def unlock(session: Session, account: Account, now: datetime,
           officer: StaffUser | None = None, client_address: str | None = None) -> Locks:
    """Lift every lock on the account and start its counts again; the locks lifted.

    ``officer`` is the one who verified the holder at an office; without one, an operator
    acted (detail {"by": "operator"}). Nothing locked: nothing changes, nothing is audited.
    The caller commits.
    """
    session.refresh(account, with_for_update=True)  # the counts as they are now, and held
    lifted = locks_of(account, now)
    if not lifted.any:
        return lifted
    session.execute(
        update(Account).where(Account.id == account.id)
        .values(consecutive_failures=0, lockouts=0, locked_until=None,
                failures_since_recovery=0, recovery_locked_until=None,
                recovery_wrong_answers=0)
        .execution_options(synchronize_session=False))
    session.refresh(account)
    if officer is not None:
        audit.record(session, "account_unlocked_at_office", now, account.id, client_address,
                     staff_user_id=officer.id, office=officer.office, lifted=lifted.names())
    else:
        audit.record(session, "account_unlocked", now, account.id, by="operator",
                     lifted=lifted.names())
    return lifted
