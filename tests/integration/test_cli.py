"""`python -m kube_console ...` as an operator runs it: real processes, real database."""

from __future__ import annotations

import subprocess

from sqlalchemy import select

from kube_console.models import Cluster, User
from kube_console.security.keyring import Keyring, generate_key
from kube_console.services.auth import resolve_api_token
from kube_console.services.credentials import load_credential, store_credential
from tests.fakekube.generator import generate_cluster
from tests.integration.conftest import CLI_KEY
from tests.support.kubeconfig import kubeconfig_yaml
from tests.support.two_tenant_workers import FLEET_FIGURE, LEADER, OTHER, seed_shared_workers

OLD_KEY, NEW_KEY = CLI_KEY, generate_key()


def test_admin_user_and_token_creation(cli, session):
    made = cli(
        "create-admin", "--org", "Acme", "--email", "Ana@Example.com", stdin="a long password\n"
    )
    assert made.returncode == 0, made.stderr
    assert "created admin ana@example.com" in made.stdout

    refused = cli(
        "users", "create", "--email", "bo@example.com", "--as", "ana@example.com", stdin="short\n"
    )
    assert refused.returncode == 1
    assert refused.stderr.strip() == "error: password: Use at least 10 characters."

    made = cli(
        "users",
        "create",
        "--email",
        "bo@example.com",
        "--as",
        "ana@example.com",
        stdin="another long one\n",
    )
    assert made.returncode == 0, made.stderr
    forbidden = cli(
        "users",
        "create",
        "--email",
        "cy@example.com",
        "--as",
        "bo@example.com",
        stdin="another long one\n",
    )
    assert forbidden.returncode == 1 and "admin role" in forbidden.stderr

    token = cli("api-token", "create", "--email", "bo@example.com", "--name", "ci")
    assert token.returncode == 0, token.stderr
    raw = token.stdout.strip()
    assert raw.startswith("kct_") and "shown once" in token.stderr
    caller = resolve_api_token(session=session, token=raw)
    assert caller.email == "bo@example.com" and caller.role == "member"
    assert session.execute(select(User.email).order_by(User.email)).scalars().all() == [
        "ana@example.com",
        "bo@example.com",
    ]
    session.rollback()  # end the read, so the CLI process may write

    temporary = cli(
        "users",
        "create",
        "--email",
        "dee@example.com",
        "--as",
        "ana@example.com",
        "--temporary",
        stdin="a temporary one\n",
    )
    assert temporary.returncode == 0, temporary.stderr
    assert "change the password at first sign-in" in temporary.stdout
    flags = dict(session.execute(select(User.email, User.must_change_password)).all())
    assert flags == {"ana@example.com": False, "bo@example.com": False, "dee@example.com": True}


def test_create_admin_checks_the_organization_name_as_setup_does(cli, session):
    refused = cli(
        "create-admin", "--org", " A ", "--email", "ana@example.com", stdin="a long password\n"
    )
    assert refused.returncode == 1
    assert refused.stderr.strip() == "error: org_name: Use 2 to 120 characters."
    assert session.execute(select(User)).first() is None

    unknown = cli(
        "users",
        "create",
        "--email",
        "bo@example.com",
        "--as",
        "nobody@example.com",
        stdin="another long one\n",
    )
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: no active user with e-mail nobody@example.com"


def test_users_create_answers_for_another_orgs_address_as_for_its_own(cli):
    for org, admin in (("Acme", "ana@example.com"), ("Rival", "cy@rival.test")):
        made = cli("create-admin", "--org", org, "--email", admin, stdin="a long password\n")
        assert made.returncode == 0, made.stderr

    def add(email: str) -> subprocess.CompletedProcess[str]:
        return cli(
            "users",
            "create",
            "--email",
            email,
            "--as",
            "ana@example.com",
            stdin="another long one\n",
        )

    elsewhere, here = add("cy@rival.test"), add("ana@example.com")
    assert elsewhere.returncode == here.returncode == 1
    assert (
        elsewhere.stderr
        == here.stderr
        == ("error: email: This e-mail address can't be used for a new user. Choose another one.\n")
    )


def test_a_bad_setting_names_the_variable_and_exits_non_zero(cli):
    result = cli("migrate", KUBE_CONSOLE_SYNC_THREADS="lots")
    assert result.returncode == 1
    assert (
        "KUBE_CONSOLE_SYNC_THREADS: expected a whole number of threads from 1 to 100"
        in result.stderr
    )


def test_keys_generate_prints_a_usable_entry(cli):
    result = cli("keys", "generate", "--id", "k7")
    Keyring.parse(result.stdout.strip())  # raises if not a valid entry
    assert result.stdout.startswith("k7:")


def test_keys_rotate_moves_every_credential_to_the_primary_and_can_run_again(
    cli, make, session, fake_credentials, fake_cluster
):
    org = make.org()
    old_ring = Keyring.parse(f"k1:{OLD_KEY}")
    for index in range(3):
        cluster = make.cluster(org, name=f"c{index}")
        store_credential(
            cluster=cluster, credentials=fake_credentials(fake_cluster), keyring=old_ring
        )
        session.add(cluster)
    session.commit()

    both = f"k2:{NEW_KEY},k1:{OLD_KEY}"
    first = cli("keys", "rotate", "--batch-size", "2", keys=both)
    assert first.returncode == 0, first.stderr
    assert "done: 3 re-encrypted; 3 on primary key 'k2'; 0 still on an older key" in first.stdout
    again = cli("keys", "rotate", keys=both)
    assert "done: 0 re-encrypted; 3 on primary key 'k2'; 0 still on an older key" in again.stdout

    new_only = Keyring.parse(f"k2:{NEW_KEY}")
    session.expire_all()
    for cluster in session.execute(select(Cluster)).scalars():
        assert cluster.credential_key_id == "k2"
        assert load_credential(cluster=cluster, keyring=new_only).token == fake_cluster.token


def test_missing_keys_fail_closed_with_the_fix(cli):
    result = cli("keys", "rotate", keys="")
    assert result.returncode == 1
    assert "KUBE_CONSOLE_ENCRYPTION_KEYS is not set" in result.stderr
    assert "python -m kube_console keys generate" in result.stderr


def test_cluster_add_then_sync_once(cli, fake_kube, fake_credentials, tmp_path, make, session):
    make.org("Acme")
    fake = fake_kube.add_cluster(
        generate_cluster(
            "edge", seed=5, namespaces=3, nodes=2, deployments=3, pods=9, provider="k3s"
        )
    )
    kubeconfig = tmp_path / "edge.kubeconfig"
    kubeconfig.write_text(kubeconfig_yaml(fake_credentials(fake)))

    added = cli(
        "cluster",
        "add",
        "--org",
        "Acme",
        "--name",
        "edge",
        "--kubeconfig",
        str(kubeconfig),
        "--environment",
        "stage",
    )
    assert added.returncode == 0, added.stderr
    assert session.execute(select(Cluster.environment)).scalar_one() == "staging"
    session.rollback()
    assert (
        "registered edge (id 1): K3s" in added.stdout
        and "2 nodes, 3 namespaces, 9 pods; status healthy" in added.stdout
    )
    assert fake.token not in added.stdout + added.stderr

    synced = cli("sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.split()[:2] == ["edge", "healthy"] and "9 pods" in synced.stdout


def test_cluster_add_refuses_a_cluster_registered_under_another_name(
    cli, fake_kube, fake_credentials, tmp_path, make
):
    make.org("Acme")
    fake = fake_kube.add_cluster(
        generate_cluster("edge", seed=5, namespaces=3, nodes=2, deployments=3, pods=9)
    )
    kubeconfig = tmp_path / "edge.kubeconfig"
    kubeconfig.write_text(kubeconfig_yaml(fake_credentials(fake)))
    assert (
        cli(
            "cluster", "add", "--org", "Acme", "--name", "edge", "--kubeconfig", str(kubeconfig)
        ).returncode
        == 0
    )

    again = cli(
        "cluster", "add", "--org", "Acme", "--name", "edge-again", "--kubeconfig", str(kubeconfig)
    )

    assert again.returncode == 1
    assert again.stderr.startswith(
        "error: This cluster is already registered as edge in your organization"
    )


def test_workers_status_shows_the_operator_the_whole_fleet(cli, session, make):
    """Fleet-wide figures (every organization's) are the operator's: the CLI shows them."""
    acme, rival = make.org("Acme"), make.org("Rival")
    mine = make.cluster(acme, name="prod")
    theirs = [make.cluster(rival, name="rival-prod"), make.cluster(rival, name="rival-stage")]
    seed_shared_workers(session, mine=mine, theirs=theirs)

    status = cli("workers", "status")
    assert status.returncode == 0, status.stderr
    leader_line, other_line = status.stdout.splitlines()[1:]
    assert leader_line.startswith(LEADER) and " leader " in leader_line
    assert f"claimed {FLEET_FIGURE}" in leader_line and "clusters synced here last 2" in leader_line
    assert other_line.startswith(OTHER) and "clusters synced here last 1" in other_line


def test_cluster_add_names_the_refused_kubeconfig_field(cli, tmp_path, make):
    make.org("Acme")
    kubeconfig = tmp_path / "exec.kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "clusters: [{name: c, cluster: {server: 'https://10.0.0.1'}}]\n"
        "users: [{name: u, user: {exec: {command: /bin/sh, apiVersion: client.authentication.k8s.io/v1}}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\n"
    )
    result = cli("cluster", "add", "--org", "Acme", "--name", "x", "--kubeconfig", str(kubeconfig))
    assert result.returncode == 1
    assert "kubeconfig.users[u].user.exec" in result.stderr
