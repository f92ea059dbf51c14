"""Users, passwords, tokens and the audit log on the real database."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from microdrama.accounts import service
from microdrama.errors import AccountError


def test_a_user_signs_in_with_the_right_password_only(session: Session) -> None:
    user = service.create_user(session, username="wang", role_key="analyst", password="long-enough")
    assert user.password_hash.startswith("$argon2")
    assert service.authenticate(session, username="wang", password="long-enough") is user
    assert service.authenticate(session, username="wang", password="wrong-password") is None
    assert service.authenticate(session, username="nobody", password="long-enough") is None


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("li", "boss", "long-enough", "unknown role"),
        ("li", "viewer", "short", "at least 8"),
        ("", "viewer", "long-enough", "1 to 64"),
    ],
)
def test_bad_user_details_are_refused_with_a_reason(
    session: Session, username: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        service.create_user(session, username=username, role_key=role, password=password)


def test_a_user_name_is_taken_once(session: Session) -> None:
    service.create_user(session, username="zhao", role_key="viewer", password="long-enough")
    with pytest.raises(AccountError, match="exists"):
        service.create_user(session, username="zhao", role_key="viewer", password="long-enough")


def test_a_token_acts_for_its_user_until_the_user_is_disabled(session: Session) -> None:
    user = service.create_user(session, username="bot", role_key="analyst", password="long-enough")
    token = service.create_token(session, user=user, name="nightly")
    session.flush()
    assert service.user_for_token(session, token=token) is user
    assert service.user_for_token(session, token=token + "x") is None
    user.active = False
    assert service.user_for_token(session, token=token) is None


def test_changes_are_recorded_in_the_audit_log(session: Session) -> None:
    service.create_user(session, username="qian", role_key="expert", password="long-enough")
    session.flush()
    entry = service.audit_log(session)[0]
    assert (entry.action, entry.target, entry.detail) == ("user.create", "qian", {"role": "expert"})


def test_a_token_records_its_use_at_most_every_few_minutes(session: Session) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from microdrama.accounts.models import ApiToken

    user = service.create_user(session, username="qian", role_key="analyst", password="long-enough")
    token = service.create_token(session, user=user, name="dashboard")
    session.flush()
    service.user_for_token(session, token=token)
    session.flush()
    record = session.execute(select(ApiToken)).scalar_one()
    first = record.last_used_at
    assert first is not None

    service.user_for_token(session, token=token)
    assert record.last_used_at == first  # a read stays a read

    record.last_used_at = first - service.TOKEN_TOUCH_INTERVAL - timedelta(seconds=1)
    service.user_for_token(session, token=token)
    # SQLite hands back naive UTC: compare wall-clock values.
    assert record.last_used_at.replace(tzinfo=None) > first.replace(tzinfo=None)
