"""First-run setup happens once, even when several browsers submit it at the same moment.

Each setup is let go only when all of them have seen an empty console, so the race the
database must settle is certain to happen.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, delete
from sqlmodel import Session, select

from kube_console.models import FirstRunSetup, Organization, User
from kube_console.services import auth
from tests.factories import PASSWORD

RACERS = 4


@pytest.fixture
def racing_setups(monkeypatch: pytest.MonkeyPatch) -> threading.Barrier:
    """Every setup waits, after its first look at the console, for all the others to look too."""
    everyone_looked = threading.Barrier(RACERS)
    looked = threading.local()
    real_setup_required = auth.setup_required

    def setup_required(*, session: Session) -> bool:
        required = real_setup_required(session=session)
        if not getattr(looked, "once", False):
            looked.once = True
            everyone_looked.wait()
        return required

    monkeypatch.setattr(auth, "setup_required", setup_required)
    return everyone_looked


def _set_up(engine: Engine, org_name: str, email: str) -> str:
    with Session(engine, expire_on_commit=False) as session:
        try:
            auth.complete_setup(session=session, org_name=org_name, email=email, password=PASSWORD)
            session.commit()
        except auth.SetupClosed:
            return "closed"
    return "set up"


@pytest.mark.parametrize("same_names", [False, True], ids=["different names", "same names"])
def test_of_concurrent_setups_exactly_one_wins(engine, session, racing_setups, same_names):
    names = [
        ("Acme", "ana@example.com") if same_names else (f"Org {n}", f"admin{n}@example.com")
        for n in range(RACERS)
    ]
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = list(pool.map(lambda name: _set_up(engine, *name), names))
    assert sorted(outcomes) == ["closed"] * (RACERS - 1) + ["set up"]
    assert len(session.exec(select(Organization)).all()) == 1
    (admin,) = session.exec(select(User)).all()
    assert admin.role == "admin"
    assert session.exec(select(FirstRunSetup.org_id)).one() == admin.org_id


def test_a_console_whose_organizations_were_all_deleted_can_be_set_up_again(session):
    auth.complete_setup(
        session=session, org_name="Acme", email="ana@example.com", password=PASSWORD
    )
    session.commit()
    session.execute(delete(Organization))  # as an operator emptying the console would
    session.commit()
    assert session.exec(select(FirstRunSetup)).all() == []
    assert auth.setup_required(session=session)
    auth.complete_setup(
        session=session, org_name="Initech", email="bo@example.com", password=PASSWORD
    )
    session.commit()
    assert session.exec(select(Organization.name)).all() == ["Initech"]
