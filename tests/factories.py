"""Row factories for tests: small, explicit, and committed so every face can see them."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlmodel import Session

from kube_console.models import Cluster, Organization, User
from kube_console.security.authz import AuthContext
from kube_console.security.secrets import hash_password

PASSWORD = "correct horse battery"
_counter = itertools.count(1)

# argon2 on purpose is slow; hash the shared test password once.
_PASSWORD_HASH = hash_password(PASSWORD)


class Factory:
    def __init__(self, session: Session):
        self.session = session

    def org(self, name: str | None = None) -> Organization:
        org = Organization(name=name or f"org-{next(_counter)}")
        self.session.add(org)
        self.session.commit()
        return org

    def user(self, org: Organization, *, role: str = "member", email: str | None = None, **fields: Any) -> User:
        user = User(
            org_id=org.id,
            email=email or f"user{next(_counter)}@example.com",
            password_hash=_PASSWORD_HASH,
            role=role,
            **fields,
        )
        self.session.add(user)
        self.session.commit()
        return user

    def cluster(self, org: Organization, *, name: str | None = None, **fields: Any) -> Cluster:
        cluster = Cluster(org_id=org.id, name=name or f"cluster-{next(_counter)}", **fields)
        self.session.add(cluster)
        self.session.commit()
        return cluster

    @staticmethod
    def context(user: User) -> AuthContext:
        return AuthContext(user_id=user.id, org_id=user.org_id, role=user.role, email=user.email)


@pytest.fixture
def make(session: Session) -> Factory:
    return Factory(session)
