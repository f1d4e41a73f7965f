"""The admin routes end to end against the fake API server: register, update, delete, sync now
and follow its run; with the form's own per-field messages for bad kubeconfigs."""

from __future__ import annotations

import time

import pytest
import yaml
from sqlmodel import Session, select

from kube_console.errors import ValidationFailed
from kube_console.models import Cluster, Namespace, Pod
from kube_console.services.clusters import check_kubeconfig
from kube_console.settings import get_settings
from tests.api.conftest import PREFIX, Fleet, Org, reload_settings
from tests.fakekube.generator import generate_cluster
from tests.support.kubeconfig import kubeconfig_yaml
from tests.support.listeners import closed_port, not_tls
from tests.support.sync_worker import running_workers


@pytest.fixture
def fake(fake_kube):
    return fake_kube.add_cluster(
        generate_cluster("eu-1", seed=5, namespaces=3, nodes=2, deployments=2, pods=8)
    )


@pytest.fixture
def kubeconfig(fake, fake_credentials) -> str:
    return kubeconfig_yaml(fake_credentials(fake))


def register(api, headers, kubeconfig: str, name: str = "eu-1", **extra):
    body = {"name": name, "environment": "production", "kubeconfig": kubeconfig, **extra}
    return api.post(f"{PREFIX}/clusters", headers=headers, json=body)


def error_of(reply, status: int) -> dict:
    assert reply.status_code == status, reply.text
    return reply.json()["error"]


def wait_for_run(api, headers, status_url: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = api.get(status_url.removeprefix("http://testserver"), headers=headers).json()
        if run["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def test_register_a_cluster(api, acme: Org, engine, kubeconfig: str, fake):
    reply = register(api, acme.admin, kubeconfig)
    assert reply.status_code == 201, reply.text
    registered = reply.json()
    cluster = registered["cluster"]
    assert reply.headers["location"] == f"{PREFIX}/clusters/{cluster['id']}"
    assert (cluster["name"], cluster["provider"], cluster["status"]) == ("eu-1", "eks", "healthy")
    assert (cluster["node_count"], cluster["namespace_count"], cluster["pod_count"]) == (2, 3, 8)
    assert (cluster["credential_kind"], cluster["server_host"]) == ("token", "127.0.0.1")
    assert registered["first_sync"]["status"] == "healthy" and registered["first_sync"]["pods"] == 8
    assert fake.token not in reply.text
    listed = api.get(f"{PREFIX}/clusters", headers=acme.member).json()["items"]
    assert [item["name"] for item in listed] == ["eu-1"]
    namespaces = api.get(
        f"{PREFIX}/clusters/{cluster['id']}/namespaces", headers=acme.member
    ).json()
    assert len(namespaces["items"]) == 3


def test_a_refused_kubeconfig_gets_the_forms_messages(api, acme: Org, kubeconfig: str):
    document = yaml.safe_load(kubeconfig)
    document["users"][0]["user"] = {"exec": {"command": "/bin/sh"}, "tokenFile": "/etc/passwd"}
    document["clusters"][0]["cluster"]["proxy-url"] = "http://proxy:3128"
    refused = yaml.safe_dump(document)
    with pytest.raises(ValidationFailed) as form:
        check_kubeconfig(
            kubeconfig=refused,
            context=None,
            acknowledge_insecure_tls=False,
            settings=get_settings(),
        )
    error = error_of(register(api, acme.admin, refused), 422)
    expected = [{"field": item.field, "message": item.message} for item in form.value.errors]
    assert len(expected) >= 2 and all(item["field"].startswith("kubeconfig.") for item in expected)
    assert (error["code"], error["field"]) == ("validation_failed", expected[0]["field"])
    assert error["details"] == expected


@pytest.mark.parametrize(
    ("kubeconfig_text", "field"),
    [("{{ not yaml", "kubeconfig"), ("apiVersion: v1\nkind: Config\n", "kubeconfig")],
)
def test_unreadable_kubeconfigs_name_the_kubeconfig(
    api, acme: Org, kubeconfig_text: str, field: str
):
    error = error_of(register(api, acme.admin, kubeconfig_text), 422)
    assert error["field"].startswith(field)


def test_a_cluster_that_refuses_the_credential_is_a_connection_failure(
    api, acme: Org, kubeconfig: str, fake
):
    wrong = kubeconfig.replace(fake.token, "not-the-token")
    error = error_of(register(api, acme.admin, wrong), 422)
    assert (error["code"], error["field"]) == ("connection_failed", "kubeconfig")
    assert "127.0.0.1" in error["message"]
    assert api.get(f"{PREFIX}/clusters", headers=acme.member).json()["items"] == []


@pytest.mark.parametrize("situation", [closed_port, not_tls])
def test_an_unreachable_server_gets_one_message_whatever_answered(
    api, acme: Org, kubeconfig: str, fake_kube, situation
):
    with situation() as port:
        unreachable = kubeconfig.replace(f"127.0.0.1:{fake_kube.port}", f"127.0.0.1:{port}")
        error = error_of(register(api, acme.admin, unreachable), 422)
    assert (error["code"], error["field"]) == ("connection_failed", "kubeconfig")
    assert error["message"] == (
        "The console could not connect to the API server at 127.0.0.1: check the address, "
        "and that the console's network reaches it."
    )


def test_registration_is_refused_without_encryption_keys(api, api_env, acme: Org, kubeconfig: str):
    api_env.setenv("KUBE_CONSOLE_ENCRYPTION_KEYS", "")
    reload_settings()
    error = error_of(register(api, acme.admin, kubeconfig), 503)
    assert error["code"] == "keyring_unavailable"
    assert (
        "KUBE_CONSOLE_ENCRYPTION_KEYS" in error["message"] and "keys generate" in error["message"]
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"environment": "production", "kubeconfig": "x"}, "name"),
        ({"name": "a", "kubeconfig": "x"}, "environment"),
        ({"name": "a", "environment": "moon", "kubeconfig": "x"}, "environment"),
        ({"name": "a", "environment": "production"}, "kubeconfig"),
        ({"name": "a", "environment": "production", "kubeconfig": "x", "colour": "red"}, "colour"),
        ({"name": "Not A Name!", "environment": "production", "kubeconfig": "x"}, "name"),
    ],
)
def test_register_names_the_bad_field(api, acme: Org, body: dict, field: str):
    assert (
        error_of(api.post(f"{PREFIX}/clusters", headers=acme.admin, json=body), 422)["field"]
        == field
    )


def test_register_accepts_an_environment_short_form(api, acme: Org, kubeconfig: str):
    reply = register(api, acme.admin, kubeconfig, environment="prod")
    assert reply.status_code == 201, reply.text
    assert reply.json()["cluster"]["environment"] == "production"
    listed = api.get(
        f"{PREFIX}/clusters", headers=acme.admin, params={"environment": "prod"}
    ).json()
    assert [item["name"] for item in listed["items"]] == ["eu-1"]


def test_a_body_that_is_not_json_is_named_body(api, acme: Org):
    reply = api.post(
        f"{PREFIX}/clusters",
        headers={**acme.admin, "content-type": "application/json"},
        content=b"{nope",
    )
    assert error_of(reply, 422)["field"] == "body"


def test_a_taken_name_is_refused_on_name(api, acme: Org, fleet: Fleet, kubeconfig: str):
    error = error_of(register(api, acme.admin, kubeconfig, name="prod"), 422)
    assert error["field"] == "name" and "already exists" in error["message"]


def test_the_same_cluster_under_another_name_is_a_409_naming_it(api, acme: Org, kubeconfig: str):
    assert register(api, acme.admin, kubeconfig).status_code == 201

    error = error_of(register(api, acme.admin, kubeconfig, name="eu-1-again"), 409)

    assert error["code"] == "conflict"
    assert error["message"].startswith(
        "This cluster is already registered as eu-1 in your organization"
    )
    listed = api.get(f"{PREFIX}/clusters", headers=acme.admin).json()["items"]
    assert [item["name"] for item in listed] == ["eu-1"]


def test_update_renames_and_moves_environment(api, session: Session, acme: Org, fleet: Fleet):
    cluster_id = fleet.acme.cluster.id
    reply = api.patch(
        f"{PREFIX}/clusters/{cluster_id}", headers=acme.admin, json={"name": "prod-eu"}
    )
    assert reply.status_code == 200, reply.text
    assert (reply.json()["name"], reply.json()["environment"]) == ("prod-eu", "production")
    reply = api.patch(
        f"{PREFIX}/clusters/{cluster_id}", headers=acme.admin, json={"environment": "staging"}
    )
    assert (reply.json()["name"], reply.json()["environment"]) == ("prod-eu", "staging")
    reply = api.patch(
        f"{PREFIX}/clusters/{cluster_id}", headers=acme.admin, json={"environment": "qa"}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["environment"] == "test"
    assert (
        error_of(
            api.patch(
                f"{PREFIX}/clusters/{cluster_id}", headers=acme.admin, json={"name": "stage"}
            ),
            422,
        )["field"]
        == "name"
    )
    assert (
        error_of(
            api.patch(
                f"{PREFIX}/clusters/{cluster_id}", headers=acme.admin, json={"name": "-bad-"}
            ),
            422,
        )["field"]
        == "name"
    )


def test_a_rename_works_without_encryption_keys(api, api_env, acme: Org, fleet: Fleet):
    api_env.setenv("KUBE_CONSOLE_ENCRYPTION_KEYS", "")
    reload_settings()
    reply = api.patch(
        f"{PREFIX}/clusters/{fleet.acme.cluster.id}", headers=acme.admin, json={"name": "renamed"}
    )
    assert reply.status_code == 200 and reply.json()["name"] == "renamed"


def test_update_replaces_the_credential_after_testing_it(api, acme: Org, kubeconfig: str, fake):
    cluster_id = register(api, acme.admin, kubeconfig).json()["cluster"]["id"]
    wrong = kubeconfig.replace(fake.token, "not-the-token")
    error = error_of(
        api.patch(
            f"{PREFIX}/clusters/{cluster_id}", headers=acme.admin, json={"kubeconfig": wrong}
        ),
        422,
    )
    assert error["code"] == "connection_failed"
    bad = error_of(
        api.patch(
            f"{PREFIX}/clusters/{cluster_id}", headers=acme.admin, json={"kubeconfig": "a: ["}
        ),
        422,
    )
    assert bad["field"].startswith("kubeconfig")
    reply = api.patch(
        f"{PREFIX}/clusters/{cluster_id}", headers=acme.admin, json={"kubeconfig": kubeconfig}
    )
    assert reply.status_code == 200 and reply.json()["name"] == "eu-1"


def test_delete_says_what_goes_and_cascades(api, session: Session, acme: Org, fleet: Fleet):
    cluster_id = fleet.acme.cluster.id
    preview = api.delete(
        f"{PREFIX}/clusters/{cluster_id}", headers=acme.admin, params={"dry_run": True}
    ).json()
    assert preview["deleted"] is False
    assert (
        preview["namespaces"],
        preview["nodes"],
        preview["workloads"],
        preview["pods"],
        preview["helm_releases"],
    ) == (3, 3, 4, 6, 4)
    assert preview["cost_rows"] > 0 and preview["usage_samples"] > 0
    assert api.get(f"{PREFIX}/clusters/{cluster_id}", headers=acme.member).status_code == 200
    deleted = api.delete(f"{PREFIX}/clusters/{cluster_id}", headers=acme.admin).json()
    assert deleted == {**preview, "deleted": True}
    assert api.get(f"{PREFIX}/clusters/{cluster_id}", headers=acme.member).status_code == 404
    assert api.get(f"{PREFIX}/pods/{fleet.acme.pods[0].id}", headers=acme.member).status_code == 404
    session.expire_all()
    assert session.exec(select(Namespace).where(Namespace.cluster_id == cluster_id)).all() == []
    assert session.exec(select(Pod).where(Pod.cluster_id == cluster_id)).all() == []
    assert session.get(Cluster, fleet.rival.cluster.id) is not None


def test_sync_now_queues_a_sync_that_a_worker_carries_out(api, acme: Org, kubeconfig: str, fake):
    cluster_id = register(api, acme.admin, kubeconfig).json()["cluster"]["id"]
    reply = api.post(f"{PREFIX}/clusters/{cluster_id}/sync", headers=acme.admin)
    assert reply.status_code == 202, reply.text
    accepted = reply.json()
    assert (
        accepted["status_url"] == f"{PREFIX}/runs/{accepted['run_id']}" == reply.headers["location"]
    )
    # Queued: no worker runs yet, and asking again follows the same run.
    assert api.get(accepted["status_url"], headers=acme.member).json()["status"] == "queued"
    again = api.post(f"{PREFIX}/clusters/{cluster_id}/sync", headers=acme.admin).json()
    assert again["run_id"] == accepted["run_id"]

    with running_workers(process="api-test-worker:1"):
        run = wait_for_run(api, acme.member, accepted["status_url"])
    assert (run["status"], run["trigger"], run["cluster_id"], run["items_done"]) == (
        "succeeded",
        "api",
        cluster_id,
        1,
    )
    assert run["finished_at"].endswith("Z") and run["duration_ms"] > 0
    assert (
        next(
            r["id"]
            for r in api.get(f"{PREFIX}/workers/status", headers=acme.admin).json()["recent_runs"]
        )
        == run["id"]
    )


def test_a_failing_sync_is_a_failed_run(api, acme: Org, fleet: Fleet):
    """A cluster with no stored credential can't sync: the run says so, the API stays up."""
    reply = api.post(f"{PREFIX}/clusters/{fleet.acme.other_cluster.id}/sync", headers=acme.admin)
    with running_workers(process="api-test-worker:1"):
        run = wait_for_run(api, acme.admin, reply.json()["status_url"])
    assert run["status"] == "failed" and run["error"]


def test_sync_is_refused_without_encryption_keys(api, api_env, acme: Org, fleet: Fleet):
    api_env.setenv("KUBE_CONSOLE_ENCRYPTION_KEYS", "")
    reload_settings()
    error = error_of(
        api.post(f"{PREFIX}/clusters/{fleet.acme.cluster.id}/sync", headers=acme.admin), 503
    )
    assert error["code"] == "keyring_unavailable"
