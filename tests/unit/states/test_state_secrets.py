"""No secret reaches the browser or the state store, and no public var carries who the caller is.

An admin opens every page of the app, with users, API tokens and a cluster holding an
encrypted credential in the database, and opens the dialogs that show a user. Then:
- nothing the browser was sent, nor a fresh hydrate of every state, nor the pickled form of
  every console state (what the disk or Redis state store keeps) contains a credential
  ciphertext, a session or API token, a password hash or a certificate;
- no public var holds the caller's user id or role (reflex-rules.md, rule 1), except
  `SessionState.show_admin_nav`, which only decides what the menu shows.

Reflex's own root state is not scanned: it keeps the websocket's request headers, Cookie
included, in its router data (see the note in the foundation report); that is Reflex's, not
a var of ours.
"""

from __future__ import annotations

import base64
import dataclasses
import re
import typing

import pytest
import reflex as rx
from sqlmodel import Session

from kube_console.kube.credentials import ClusterCredentials
from kube_console.models import ROLES
from kube_console.security.authz import AuthContext
from kube_console.security.keyring import Keyring, generate_key
from kube_console.services import tokens as tokens_service
from kube_console.services.credentials import store_credential
from kube_console.services.users import Profile
from kube_console.states.clusters import ClustersState
from kube_console.states.profile import ProfileState
from kube_console.states.session import SessionState
from kube_console.states.users import UsersState
from tests.factories import Factory
from tests.fakekube.pki import CertificateAuthority
from tests.support.kubeconfig import kubeconfig_yaml
from tests.support.reflex_events import EventDriver, Tab
from tests.unit.states.conftest import signed_in
from tests.unit.states.test_policies import console_states

SECRET_PATTERNS = {
    "credential ciphertext": re.compile(r"gAAAAA"),
    "session token": re.compile(r"kcs_"),
    # Token lists show the 10-character prefix ("kct_" and 6 more) so people can tell tokens
    # apart; a real token is "kct_" and 43 more.
    "API token": re.compile(r"kct_[A-Za-z0-9_-]{7,}"),
    "password hash": re.compile(r"\$argon2"),
    "certificate or key": re.compile(r"-----BEGIN"),
}
ADMIN_ID = 9137  # distinctive, so a public var holding it can't be a coincidence
CLUSTER_TOKEN = "cluster-bearer-token-f00d"
IDENTITY_NAME = re.compile(r"(^|_)(role|user_id|userid|uid|is_admin|admin)(_|$)")
ALLOWED_IDENTITY_VARS = {(SessionState, "show_admin_nav")}


@dataclasses.dataclass
class World:
    session_token: str
    api_token: str
    secrets: list[str]  # every concrete secret value that exists in this world


@pytest.fixture
def world(console_db, session: Session, make: Factory) -> World:
    org = make.org("acme")
    admin = make.user(
        org, role="admin", id=ADMIN_ID, email="ana@acme.test", display_name="Ana Lima"
    )
    member = make.user(org, email="bo@acme.test")
    api_token = tokens_service.create_token(
        session=session, org_id=org.id, user_id=admin.id, name="ci", role="admin"
    ).token
    tokens_service.create_token(
        session=session, org_id=org.id, user_id=member.id, name="grafana", role="read"
    )
    ca = CertificateAuthority()
    client = ca.issue_client_certificate("ana")
    cluster = make.cluster(org, name="prod-eu")
    store_credential(
        cluster=cluster,
        credentials=ClusterCredentials(
            server="https://prod-eu.example.com:6443",
            certificate_authority_data=ca.cert_base64,
            token=CLUSTER_TOKEN,
            client_certificate_data=client.cert_base64,
            client_key_data=client.key_base64,
            user_name="ana",
        ),
        keyring=Keyring.parse(f"k1:{generate_key()}"),
    )
    session.add(cluster)
    session.commit()
    session_token = signed_in(session, admin)
    secrets = [
        session_token,
        api_token,
        CLUSTER_TOKEN,
        admin.password_hash,
        base64.b64encode(cluster.credential_ciphertext).decode(),
        cluster.credential_ciphertext.decode(),
        client.key_base64,
    ]
    return World(session_token=session_token, api_token=api_token, secrets=secrets)


def _app_pages() -> list[str]:
    from kube_console.kube_console import app

    # The app's registered routes ("index" is "/"): every page, including ones added later.
    return ["/" if route == "index" else f"/{route}" for route in app._unevaluated_pages]


async def _console_state_instances(tab: Tab) -> list[rx.State]:
    return [await tab.state(state_class) for state_class in console_states()]


async def _visit_everything(tab: Tab, world: World) -> None:
    for path in _app_pages():
        await tab.open(path)
    await tab.open("/admin/users")
    users = await tab.state(UsersState)
    someone = next(user for user in users.users if user.email == "bo@acme.test")
    await tab.fire(UsersState.ask_to_reset_password, user_id=someone.id)
    await tab.fire(UsersState.ask_to_disable, user_id=someone.id)
    await tab.open("/profile")


def _found_secrets(text: str, world: World) -> list[str]:
    found = [kind for kind, pattern in SECRET_PATTERNS.items() if pattern.search(text)]
    return found + [
        f"secret #{number}" for number, secret in enumerate(world.secrets) if secret in text
    ]


@pytest.mark.anyio
async def test_no_secret_is_sent_to_the_browser_or_kept_in_a_console_state(world):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=world.session_token)
        await _visit_everything(tab, world)

        assert (await tab.state(UsersState)).users, "the admin pages loaded data to scan"
        assert (await tab.state(ProfileState)).tokens, "the profile loaded tokens to scan"
        assert _found_secrets(tab.received_text(), world) == []
        assert _found_secrets(await tab.snapshot_text(), world) == []
        for state in await _console_state_instances(tab):
            stored = state._serialize().decode("latin-1")
            assert _found_secrets(stored, world) == [], type(state).__name__


async def _every_state_as_stored(tab: Tab) -> dict[str, bytes]:
    """Every state of the tab's tree, Reflex's root included, as the disk or Redis store
    keeps it: pickled, backend vars and all."""
    stored: dict[str, bytes] = {}

    def walk(state: rx.State) -> None:
        stored[state.get_full_name()] = state._serialize()
        for substate in state.substates.values():
            walk(substate)

    for state_class in console_states():
        await tab.state(state_class)  # loaded into the tree, as the pages would
    walk(await tab.root())
    return stored


@pytest.mark.anyio
async def test_a_new_api_token_reaches_the_browser_once_and_no_state_keeps_it(world):
    """rule 2: a secret shown once is handed to the browser by the event that creates it,
    and never kept in a state var, public or backend, not even while its dialog is open."""
    async with EventDriver() as driver:
        tab = driver.tab(session_token=world.session_token)
        await tab.open("/profile")
        await tab.fire(ProfileState.token_dialog_changed, open=True)
        shown = await tab.fire(ProfileState.create_token, form={"name": "laptop", "role": "read"})
        new_tokens = set(re.findall(r"kct_[A-Za-z0-9_-]{43}", shown.wire_text))
        assert len(new_tokens) == 1, "the browser is sent the new token, once"
        new_token = new_tokens.pop()
        assert (await tab.state(ProfileState)).new_token_name == "laptop"  # the dialog shows it

        stored = await _every_state_as_stored(tab)
        assert len(stored) > len(console_states())  # Reflex's own states were scanned too
        assert [name for name, data in stored.items() if new_token.encode() in data] == []
        assert new_token not in await tab.snapshot_text()  # nor would a reload send it back

        # Closing the dialog tells the browser to forget it too.
        closed = await tab.fire(ProfileState.token_dialog_changed, open=False)
        assert new_token not in closed.wire_text and closed.frontend_events
        assert (await tab.state(ProfileState)).new_token_name == ""


@pytest.mark.anyio
async def test_a_pasted_kubeconfig_is_kept_neither_in_state_nor_sent_back(
    world, cluster_registration, fake_kube, fake_cluster
):
    """The register dialog with a kubeconfig pasted, tested, and registered: its client key
    reaches the console only as the form's argument, and no state keeps it or sends it back."""
    pasted = kubeconfig_yaml(fake_kube.credentials_for(fake_cluster, auth="client-certificate"))
    client_key = fake_kube.client_certificate().key_base64
    assert client_key in pasted  # the scans below can fail
    world.secrets.append(client_key)

    async def assert_nothing_kept(tab: Tab, after: str) -> None:
        assert _found_secrets(tab.received_text(), world) == [], after
        assert _found_secrets(await tab.snapshot_text(), world) == [], after
        for state in await _console_state_instances(tab):
            stored = state._serialize().decode("latin-1")
            assert _found_secrets(stored, world) == [], f"{type(state).__name__} {after}"

    form = {"name": "small", "environment": "production", "kubeconfig": pasted}
    async with EventDriver() as driver:
        tab = driver.tab(session_token=world.session_token)
        await tab.open("/clusters")
        await tab.fire(ClustersState.register_dialog_changed, open=True)
        await tab.fire(ClustersState.kubeconfig_entered, kubeconfig=pasted)
        await assert_nothing_kept(tab, "after pasting")

        await tab.fire(ClustersState.submit_register, form=form)
        assert (await tab.state(ClustersState)).report.credential_kind == "client-certificate"
        await assert_nothing_kept(tab, "after the connection test")

        await tab.fire(ClustersState.submit_register, form=form)
        assert "small" in [tile.card.name for tile in (await tab.state(ClustersState)).tiles]
        await assert_nothing_kept(tab, "after registering")


def _public_vars(state: rx.State) -> dict[str, typing.Any]:
    names = [
        *state.base_vars,
        *(name for name, var in state.computed_vars.items() if not var._backend),
    ]
    return {name: getattr(state, name) for name in names if not name.startswith("_")}


@pytest.mark.anyio
async def test_no_public_var_holds_the_callers_user_id_or_role(world):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=world.session_token)
        await _visit_everything(tab, world)
        found = []
        for state in await _console_state_instances(tab):
            state_class = type(state)
            for name, value in _public_vars(state).items():
                if (state_class, name) in ALLOWED_IDENTITY_VARS:
                    continue
                hints = typing.get_type_hints(state_class).get(name)
                if IDENTITY_NAME.search(name) or hints in (AuthContext, Profile):
                    found.append(
                        f"{state_class.__name__}.{name} is named or typed as the caller's identity"
                    )
                # Lists of rows (the users table) describe the org, not the caller; a scalar
                # var equal to the caller's id or role would be the caller's identity.
                if isinstance(value, bool):
                    continue
                if value == ADMIN_ID or (isinstance(value, str) and value in ROLES):
                    found.append(f"{state_class.__name__}.{name} = {value!r}")
        assert found == []
        assert (await tab.state(SessionState)).show_admin_nav is True  # the admin's pages did load
