"""The Clusters page's handlers, driven through Reflex's real event processing against clusters
the fake API server serves: cards, register (test first, then save), edit, delete, Sync now,
and the refusals a member gets."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kube_console import routes, settings
from kube_console.db import utcnow
from kube_console.models import Cluster, Namespace, Organization, WorkerRun
from kube_console.security.keyring import get_keyring
from kube_console.services import clusters as cluster_service
from kube_console.states.clusters import CLUSTER_GONE, ClustersState
from tests.fakekube.generator import generate_cluster
from tests.support.kubeconfig import kubeconfig_yaml
from tests.support.listeners import closed_port, not_tls
from tests.support.reflex_events import EventDriver, Tab, Toast
from tests.support.sync_worker import running_workers
from tests.unit.states.conftest import signed_in

pytestmark = pytest.mark.anyio


@dataclasses.dataclass
class Team:
    org: Organization
    admin_token: str
    member_token: str


@pytest.fixture
def team(cluster_registration, session: Session, make) -> Team:
    org = make.org("acme")
    admin = make.user(org, role="admin", email="ana@acme.test")
    member = make.user(org, email="bo@acme.test")
    return Team(org, signed_in(session, admin), signed_in(session, member))


@pytest.fixture
def kubeconfig(fake_kube, fake_cluster) -> str:
    return kubeconfig_yaml(fake_kube.credentials_for(fake_cluster), context="small")


def _form(
    kubeconfig: str, *, name: str = "prod-eu", environment: str = "production"
) -> dict[str, str]:
    return {"name": name, "environment": environment, "kubeconfig": kubeconfig}


def _clusters(session: Session) -> list[Cluster]:
    session.expire_all()
    return list(session.exec(select(Cluster).order_by(Cluster.id)).scalars())


async def _open_admin_page(driver: EventDriver, team: Team) -> Tab:
    tab = driver.tab(session_token=team.admin_token)
    await tab.open(routes.CLUSTERS)
    return tab


async def _register(tab: Tab, kubeconfig: str, **form: str) -> None:
    await tab.fire(ClustersState.register_dialog_changed, open=True)
    await tab.fire(ClustersState.kubeconfig_entered, kubeconfig=kubeconfig)
    await tab.fire(ClustersState.submit_register, form=_form(kubeconfig, **form))
    assert (await tab.state(ClustersState)).report is not None, (
        await tab.state(ClustersState)
    ).form_errors
    await tab.fire(ClustersState.submit_register, form=_form(kubeconfig, **form))


async def test_an_admin_sees_the_test_result_before_anything_is_saved_then_registers(
    team, session, kubeconfig, fake_cluster
):
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        page = await tab.state(ClustersState)
        assert page.loaded and page.tiles == []

        await tab.fire(ClustersState.register_dialog_changed, open=True)
        await tab.fire(ClustersState.kubeconfig_entered, kubeconfig=kubeconfig)
        page = await tab.state(ClustersState)
        assert (page.contexts, page.chosen_context) == (["small"], "small")

        await tab.fire(ClustersState.submit_register, form=_form(kubeconfig))
        report = (await tab.state(ClustersState)).report
        assert (report.provider, report.provider_name) == ("eks", "Amazon EKS")
        assert (report.node_count, report.namespace_count, report.pod_count) == (
            fake_cluster.count("Node"),
            fake_cluster.count("Namespace"),
            fake_cluster.count("Pod"),
        )
        assert (report.server_host, report.credential_kind) == ("127.0.0.1", "token")
        assert _clusters(session) == []  # tested, not saved

        reply = await tab.fire(ClustersState.submit_register, form=_form(kubeconfig))
        assert reply.toasts == [
            Toast(
                "success",
                f"prod-eu is registered: healthy, {fake_cluster.count('Node')} nodes, "
                f"{fake_cluster.count('Pod')} pods. The console syncs it from now on.",
            )
        ]
        page = await tab.state(ClustersState)
        assert page.register_open is False and page.report is None and page.contexts == []
        [tile] = page.tiles
        assert (tile.card.name, tile.card.status, tile.card.provider) == (
            "prod-eu",
            "healthy",
            "eks",
        )
        assert tile.card.pod_count == fake_cluster.count("Pod")
        assert [cluster.name for cluster in _clusters(session)] == ["prod-eu"]


async def test_the_form_reads_an_environment_short_form_as_its_canonical_name(
    team, session, kubeconfig
):
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await _register(tab, kubeconfig, environment="prod")
    assert [(cluster.name, cluster.environment) for cluster in _clusters(session)] == [
        ("prod-eu", "production")
    ]


async def test_test_connection_refuses_a_bad_name_before_connecting(
    team, session, monkeypatch, kubeconfig
):
    """ "Bad Name!" is refused at Test connection, as Register would refuse it, and no
    connection is attempted for it."""
    connected: list[str] = []
    monkeypatch.setattr(
        cluster_service, "fetch_snapshot", lambda client: connected.append("fetch") or None
    )
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await tab.fire(ClustersState.register_dialog_changed, open=True)
        await tab.fire(ClustersState.kubeconfig_entered, kubeconfig=kubeconfig)
        await tab.fire(ClustersState.submit_register, form=_form(kubeconfig, name="Bad Name!"))
        page = await tab.state(ClustersState)
    assert set(page.form_errors) == {"name"} and "lower-case letters" in page.form_errors["name"]
    assert (page.report, page.connection_error, connected) == (None, "", [])


async def test_every_wrong_field_is_shown_at_once(team, session, kubeconfig):
    broken = kubeconfig.replace("current-context: small", "current-context: nowhere")
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await tab.fire(ClustersState.register_dialog_changed, open=True)
        await tab.fire(
            ClustersState.submit_register, form=_form(broken, name="Bad Name!", environment="moon")
        )
        errors = (await tab.state(ClustersState)).form_errors
    assert {"name", "environment"} <= set(errors)
    assert any(field.startswith("kubeconfig") for field in errors), errors


async def test_register_saves_only_the_kubeconfig_that_was_tested(
    team, session, fake_kube, kubeconfig
):
    other = fake_kube.add_cluster(
        generate_cluster("other", seed=3, namespaces=2, nodes=1, deployments=1, pods=4)
    )
    other_kubeconfig = kubeconfig_yaml(fake_kube.credentials_for(other), context="other")
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await tab.fire(ClustersState.submit_register, form=_form(kubeconfig))
        assert (await tab.state(ClustersState)).report is not None

        reply = await tab.fire(ClustersState.submit_register, form=_form(other_kubeconfig))
        assert reply.toasts == []
        assert (
            await tab.state(ClustersState)
        ).report.pod_count == 4  # the new one was tested instead
        assert _clusters(session) == []


async def test_kubeconfig_problems_come_back_per_field_and_the_test_is_forgotten(
    team, session, kubeconfig
):
    exec_plugin = kubeconfig.replace(
        "- name: small-user\n  user:\n", "- name: small-user\n  user:\n    exec: {command: aws}\n"
    )
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await tab.fire(ClustersState.submit_register, form=_form(kubeconfig))
        await tab.fire(ClustersState.kubeconfig_entered, kubeconfig=exec_plugin)
        assert (await tab.state(ClustersState)).report is None  # the text changed after its test

        await tab.fire(ClustersState.submit_register, form=_form(exec_plugin, name="Bad Name!"))
        page = await tab.state(ClustersState)
        [(path, message)] = page.kubeconfig_problems
        assert path == "users[small-user].user.exec"
        assert "runs a program on the console's server" in message
        assert page.report is None and page.testing is False
        assert _clusters(session) == []

        await tab.fire(ClustersState.kubeconfig_entered, kubeconfig="clusters: [\n")
        [(path, message)] = (await tab.state(ClustersState)).kubeconfig_problems
        assert path == "kubeconfig" and message.startswith("is not valid YAML")


async def test_leaving_the_field_as_the_form_is_submitted_does_not_wipe_the_submissions_errors(
    team, kubeconfig, monkeypatch
):
    """A click on "Test connection" blurs the kubeconfig field first: both events run at once,
    and the contexts read on blur may end after the test did."""
    exec_plugin = kubeconfig.replace("  user:\n", "  user:\n    exec: {command: aws}\n")
    reading, submitted = threading.Event(), threading.Event()
    read_contexts = cluster_service.contexts_in

    def contexts_read_after_the_submission(text: str):
        reading.set()
        submitted.wait(timeout=10)
        return read_contexts(text)

    monkeypatch.setattr(cluster_service, "contexts_in", contexts_read_after_the_submission)
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)

        async def submit_once_the_blur_is_under_way():
            await asyncio.to_thread(reading.wait, 10)
            await tab.fire(ClustersState.submit_register, form=_form(exec_plugin))
            submitted.set()

        await asyncio.gather(
            tab.fire(ClustersState.kubeconfig_entered, kubeconfig=exec_plugin),
            submit_once_the_blur_is_under_way(),
        )
        page = await tab.state(ClustersState)
        assert [path for path, _ in page.kubeconfig_problems] == ["users[small-user].user.exec"]
        assert page.contexts == ["small"]

        await tab.fire(
            ClustersState.kubeconfig_entered, kubeconfig=exec_plugin
        )  # the blur ending last
        assert [path for path, _ in (await tab.state(ClustersState)).kubeconfig_problems] == [
            "users[small-user].user.exec"
        ]


async def test_a_name_error_keeps_the_tested_kubeconfig_so_fixing_the_name_registers(
    team, session, kubeconfig
):
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await tab.fire(ClustersState.submit_register, form=_form(kubeconfig))
        await tab.fire(ClustersState.submit_register, form=_form(kubeconfig, name="Prod EU!"))
        page = await tab.state(ClustersState)
        assert page.form_errors["name"].startswith("Use 1 to 63 lower-case letters")
        assert page.report is not None

        reply = await tab.fire(
            ClustersState.submit_register, form=_form(kubeconfig, name="prod-eu")
        )
        assert [toast.kind for toast in reply.toasts] == ["success"]
        assert [cluster.name for cluster in _clusters(session)] == ["prod-eu"]


async def test_insecure_tls_is_registered_only_once_acknowledged_and_then_flagged(
    team, session, kubeconfig
):
    without_ca = "\n".join(
        line for line in kubeconfig.splitlines() if "certificate-authority-data" not in line
    )
    insecure = without_ca.replace("    server:", "    insecure-skip-tls-verify: true\n    server:")
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await tab.fire(ClustersState.submit_register, form=_form(insecure))
        page = await tab.state(ClustersState)
        assert page.insecure_tls_in_question and page.report is None
        assert [path for path, _ in page.kubeconfig_problems] == [
            "clusters[small].cluster.insecure-skip-tls-verify"
        ]

        await tab.fire(ClustersState.acknowledge_insecure_tls_changed, checked=True)
        await tab.fire(ClustersState.submit_register, form=_form(insecure))
        assert (await tab.state(ClustersState)).report.insecure_tls is True
        await tab.fire(ClustersState.submit_register, form=_form(insecure))
        [tile] = (await tab.state(ClustersState)).tiles
        assert tile.card.insecure_tls is True


@pytest.mark.parametrize("situation", [closed_port, not_tls])
async def test_an_unreachable_server_is_a_connection_error_not_a_field_error(
    team, session, kubeconfig, fake_kube, situation
):
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        with situation() as port:
            unreachable = kubeconfig.replace(f"127.0.0.1:{fake_kube.port}", f"127.0.0.1:{port}")
            await tab.fire(ClustersState.submit_register, form=_form(unreachable))
        page = await tab.state(ClustersState)
        # The same words whether nothing listened or something not TLS answered: the form
        # must not tell the admin what is listening on the console's network.
        assert page.connection_error == (
            "The console could not connect to the API server at 127.0.0.1: check the address, "
            "and that the console's network reaches it."
        )
        assert page.form_errors == {} and page.report is None and page.testing is False


async def test_a_file_is_read_into_the_form_and_one_over_256_kib_is_refused_by_name(
    team, kubeconfig
):
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await tab.fire(
            ClustersState.kubeconfig_file_read,
            file={"name": "config", "size": len(kubeconfig), "text": kubeconfig},
        )
        assert (await tab.state(ClustersState)).contexts == ["small"]

        await tab.fire(
            ClustersState.kubeconfig_file_read,
            file={"name": "huge.yaml", "size": 300_000, "text": ""},
        )
        page = await tab.state(ClustersState)
        assert page.contexts == []
        assert page.form_errors["kubeconfig"].startswith(
            "huge.yaml is 300,000 bytes; the limit is 262,144 bytes"
        )


async def test_without_encryption_keys_registration_is_refused_and_the_admin_is_told_how_to_fix_it(
    team, session, kubeconfig, monkeypatch
):
    monkeypatch.setenv(settings.ENV_PREFIX + "ENCRYPTION_KEYS", "")
    settings.get_settings.cache_clear()
    get_keyring.cache_clear()
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        problem = (await tab.state(ClustersState)).keyring_problem
        assert (
            "KUBE_CONSOLE_ENCRYPTION_KEYS" in problem
            and "python -m kube_console keys generate" in problem
        )

        await tab.fire(ClustersState.submit_register, form=_form(kubeconfig))
        reply = await tab.fire(ClustersState.submit_register, form=_form(kubeconfig))
        assert [toast.kind for toast in reply.toasts] == ["error"]
        assert _clusters(session) == []


async def test_the_same_cluster_under_another_name_is_refused_in_the_form(
    team, session, kubeconfig
):
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await _register(tab, kubeconfig)

        await _register(tab, kubeconfig, name="prod-eu-again")

        page = await tab.state(ClustersState)
        assert page.register_open
        assert page.connection_error.startswith("This cluster is already registered as prod-eu ")
        assert [cluster.name for cluster in _clusters(session)] == ["prod-eu"]


async def test_sync_now_queues_a_sync_a_worker_carries_out_and_says_how_it_went(
    team, session, kubeconfig, fake_kube
):
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await _register(tab, kubeconfig)
        [cluster] = _clusters(session)

        with running_workers():
            reply = await tab.fire(ClustersState.sync_now, cluster_id=cluster.id)
        [toast] = reply.toasts
        assert toast.kind == "success" and toast.message.startswith("prod-eu synced in ")
        assert (await tab.state(ClustersState)).syncing_ids == []
        run = session.exec(select(WorkerRun).where(WorkerRun.trigger == "manual")).scalars().one()
        assert (run.cluster_id, run.status) == (cluster.id, "succeeded")

        fake_kube.remove_cluster("small")
        with running_workers():
            reply = await tab.fire(ClustersState.sync_now, cluster_id=cluster.id)
        [toast] = reply.toasts
        assert toast.kind == "error" and toast.message.startswith("prod-eu could not be synced")
        [tile] = (await tab.state(ClustersState)).tiles
        assert tile.card.status != "healthy" and tile.card.last_error


async def test_sync_now_without_a_worker_running_says_the_sync_is_queued(
    team, session, kubeconfig, monkeypatch
):
    monkeypatch.setattr("kube_console.states.clusters.SYNC_FOLLOW_POLLS", 2)
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await _register(tab, kubeconfig)
        [cluster] = _clusters(session)

        reply = await tab.fire(ClustersState.sync_now, cluster_id=cluster.id)
        [toast] = reply.toasts
        assert toast.kind == "info" and toast.message.startswith("The sync is queued")
        run = session.exec(select(WorkerRun).where(WorkerRun.trigger == "manual")).scalars().one()
        assert (run.cluster_id, run.status) == (cluster.id, "queued")
        session.refresh(cluster)
        assert cluster.next_sync_at is not None and cluster.lease_owner is None


async def test_edit_renames_and_keeps_the_dialog_open_on_a_field_error(team, session, kubeconfig):
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await _register(tab, kubeconfig)
        [cluster] = _clusters(session)

        await tab.fire(ClustersState.ask_to_edit, cluster_id=cluster.id)
        page = await tab.state(ClustersState)
        assert (
            page.edit_open
            and page.editing.name == "prod-eu"
            and page.editing.server_host == "127.0.0.1"
        )

        await tab.fire(ClustersState.save_edit, form=_form("", name="-bad-"))
        page = await tab.state(ClustersState)
        assert page.edit_open and "name" in page.form_errors

        reply = await tab.fire(
            ClustersState.save_edit, form=_form("", name="prod-eu-1", environment="staging")
        )
        assert reply.toasts == [Toast("success", "prod-eu-1 is saved.")]
        [tile] = (await tab.state(ClustersState)).tiles
        assert (tile.card.name, tile.card.environment) == ("prod-eu-1", "staging")
        assert (await tab.state(ClustersState)).edit_open is False


async def test_edit_tests_a_new_credential_before_storing_it(team, session, kubeconfig, fake_kube):
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await _register(tab, kubeconfig)
        [cluster] = _clusters(session)
        ciphertext = cluster.credential_ciphertext

        await tab.fire(ClustersState.ask_to_edit, cluster_id=cluster.id)
        broken = kubeconfig.replace("https://", "http://")
        await tab.fire(ClustersState.save_edit, form=_form(broken))
        page = await tab.state(ClustersState)
        assert [path for path, _ in page.kubeconfig_problems] == ["clusters[small].cluster.server"]
        assert _clusters(session)[0].credential_ciphertext == ciphertext

        client_certificate = kubeconfig_yaml(
            fake_kube.credentials_for("small", auth="client-certificate"), context="small"
        )
        reply = await tab.fire(ClustersState.save_edit, form=_form(client_certificate))
        assert [toast.kind for toast in reply.toasts] == ["success"]
        [stored] = _clusters(session)
        assert (
            stored.credential_kind == "client-certificate"
            and stored.credential_ciphertext != ciphertext
        )


async def test_delete_shows_what_goes_then_removes_the_cluster_and_its_rows(
    team, session, kubeconfig, fake_cluster
):
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        await _register(tab, kubeconfig)
        [cluster] = _clusters(session)
        cluster_id = cluster.id

        await tab.fire(ClustersState.ask_to_delete, cluster_id=cluster_id)
        deletion = (await tab.state(ClustersState)).deletion
        assert (deletion.name, deletion.namespaces, deletion.pods) == (
            "prod-eu",
            fake_cluster.count("Namespace"),
            fake_cluster.count("Pod"),
        )

        reply = await tab.fire(ClustersState.delete_confirmed)
        assert reply.toasts == [
            Toast(
                "success", "prod-eu is deleted, with its credential and everything synced from it."
            )
        ]
        page = await tab.state(ClustersState)
        assert page.tiles == [] and page.delete_open is False and page.deletion is None
        assert _clusters(session) == []
        assert session.exec(select(func.count()).select_from(Namespace)).scalar_one() == 0

        reply = await tab.fire(ClustersState.ask_to_delete, cluster_id=cluster_id)
        assert reply.toasts == [Toast("error", CLUSTER_GONE)]


async def test_a_member_sees_the_cards_but_every_admin_handler_refuses(team, session, make):
    cluster = make.cluster(team.org, name="prod-eu")
    async with EventDriver() as driver:
        tab = driver.tab(session_token=team.member_token)
        await tab.open(routes.CLUSTERS)
        page = await tab.state(ClustersState)
        assert [tile.card.name for tile in page.tiles] == ["prod-eu"]
        assert page.keyring_problem == ""

        for handler, payload in [
            (ClustersState.sync_now, {"cluster_id": cluster.id}),
            (ClustersState.ask_to_delete, {"cluster_id": cluster.id}),
            (ClustersState.ask_to_edit, {"cluster_id": cluster.id}),
            (ClustersState.submit_register, {"form": _form("clusters: []")}),
        ]:
            reply = await tab.fire(handler, **payload)
            assert [toast.kind for toast in reply.toasts] == ["error"], handler
            assert reply.toasts[0].message.startswith("Not allowed")
        assert session.exec(select(func.count()).select_from(WorkerRun)).scalar_one() == 0
        page = await tab.state(ClustersState)
        assert not (page.edit_open or page.delete_open)


async def test_the_cards_flag_a_certificate_running_out_and_show_no_cost_before_any_is_computed(
    team, session, make
):
    org = team.org
    now = utcnow()
    make.cluster(org, name="soon", certificate_expires_at=now + dt.timedelta(days=9, hours=1))
    make.cluster(org, name="gone", certificate_expires_at=now - dt.timedelta(days=2, hours=1))
    make.cluster(org, name="later", certificate_expires_at=now + dt.timedelta(days=200))
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        tiles = {tile.card.name: tile for tile in (await tab.state(ClustersState)).tiles}
        assert (tiles["soon"].certificate_note, tiles["soon"].certificate_expired) == (
            "expires in 9 d",
            False,
        )
        assert (tiles["gone"].certificate_note, tiles["gone"].certificate_expired) == (
            "expired 2 d ago",
            True,
        )
        assert tiles["later"].certificate_note == ""
        assert {tile.month_to_date_cost for tile in tiles.values()} == {""}
        assert (await tab.state(ClustersState)).status_summary == "3 clusters · 3 pending"


async def test_the_timer_reloads_only_a_visible_tab(team, session, make):
    org = team.org
    async with EventDriver() as driver:
        tab = await _open_admin_page(driver, team)
        make.cluster(org, name="added-later")

        await tab.fire(ClustersState.refresh, visible=False)
        assert (await tab.state(ClustersState)).tiles == []
        await tab.fire(ClustersState.refresh, visible=True)
        assert [tile.card.name for tile in (await tab.state(ClustersState)).tiles] == [
            "added-later"
        ]
