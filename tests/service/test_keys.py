"""API keys: stored as SHA-256 only, looked up by id, scopes, revocation."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from service.db.models import ApiKey
from service.db.session import Database
from service.keys import authenticate, create_api_key, has_scope, parse_scopes, revoke_api_key

pytestmark = pytest.mark.services


def test_key_is_hashed_and_authenticates(db: Database) -> None:
    with db.session() as session:
        new = create_api_key(session, "acme", ["ingest,read"], name="ci")
    assert new.key.startswith(f"cck_{new.key_id}_")
    assert len(new.key) > 50
    with db.session() as session:
        row = session.scalar(select(ApiKey))
        assert row is not None
        assert row.key_sha256 == hashlib.sha256(new.key.encode()).hexdigest()
        assert new.key not in (row.key_sha256, row.key_id, row.scopes, row.name)
        found = authenticate(session, new.key)
        assert found is not None and found.team.name == "acme"
        assert has_scope(found, "read") and has_scope(found, "ingest")
        assert not has_scope(found, "admin")
        assert authenticate(session, new.key[:-1] + ("A" if new.key[-1] != "A" else "B")) is None
        assert authenticate(session, "cck_unknown_secret") is None
        assert authenticate(session, "garbage") is None
        assert revoke_api_key(session, new.key_id)
    with db.session() as session:
        assert authenticate(session, new.key) is None


def test_admin_implies_every_scope(db: Database) -> None:
    with db.session() as session:
        new = create_api_key(session, "acme", ["admin"])
        row = authenticate(session, new.key)
        assert row is not None
        assert all(has_scope(row, s) for s in ("ingest", "read", "admin"))


def test_scope_parsing() -> None:
    assert parse_scopes(["ingest", "read,admin", "read"]) == ("ingest", "read", "admin")
    with pytest.raises(ValueError, match="unknown scope"):
        parse_scopes(["write"])
    with pytest.raises(ValueError, match="at least one"):
        parse_scopes([])
