"""Clusters in Chromium: an admin registers a cluster the fake API server serves (after a
kubeconfig the console refuses field by field), sees its card, syncs it, finds it on the
Workers page and deletes it; a member sees the card without the admin's buttons, and, when
the cluster's syncs fail, how old its data is and that it was registered twice."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import TEAM_ADMIN, TEAM_MEMBER, console_database_path, sign_in_as
from tests.fakekube.cluster import Fault
from tests.fakekube.generator import generate_cluster
from tests.support.kubeconfig import kubeconfig_yaml

CLUSTER = "e2e-prod"
TWIN = "e2e-prod-twin"


def _forget_cluster(console, name: str) -> None:
    with sqlite3.connect(console_database_path(console)) as db:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("DELETE FROM clusters WHERE name = ?", (name,))


def _register_again_as(console, name: str, twin: str) -> None:
    """A second row for the same cluster, as registered before duplicates were refused."""
    with sqlite3.connect(console_database_path(console)) as db:
        db.execute("CREATE TEMP TABLE twin AS SELECT * FROM clusters WHERE name = ?", (name,))
        db.execute("UPDATE twin SET id = NULL, name = ?", (twin,))
        db.execute("INSERT INTO clusters SELECT * FROM twin")


def _cluster_id(console, name: str) -> int:
    with sqlite3.connect(console_database_path(console)) as db:
        return db.execute("SELECT id FROM clusters WHERE name = ?", (name,)).fetchone()[0]


@pytest.fixture
def fake(fake_kube):
    return fake_kube.add_cluster(
        generate_cluster("e2e", seed=11, namespaces=4, nodes=2, deployments=3, pods=12)
    )


def _toast(page: Page, text: str):
    return page.locator("[data-sonner-toast]").filter(has_text=text)


def test_an_admin_registers_a_cluster_sees_its_card_syncs_it_and_finds_it_on_workers(
    team, page: Page, fake_kube, fake
):
    _forget_cluster(team, CLUSTER)
    kubeconfig = kubeconfig_yaml(fake_kube.credentials_for(fake), context="e2e")
    exec_plugin = kubeconfig.replace("  user:\n", "  user:\n    exec: {command: aws}\n")
    sign_in_as(page, TEAM_ADMIN)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Clusters"
    ).click()
    expect(page.get_by_role("heading", name="No clusters yet")).to_be_visible()

    page.get_by_role("button", name="Register your first cluster").click()
    dialog = page.get_by_role("dialog", name="Register a cluster")
    dialog.get_by_label("Name").fill(CLUSTER)
    dialog.get_by_role("textbox", name="Kubeconfig").fill(exec_plugin)
    dialog.get_by_role("button", name="Test connection").click()
    problems = dialog.get_by_role("alert", name="Problems in the kubeconfig")
    expect(problems).to_contain_text("users[e2e-user].user.exec")
    expect(problems).to_contain_text("runs a program on the console's server")
    expect(dialog.get_by_label("Name")).to_have_value(CLUSTER)  # what was typed is kept

    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Upload a file…").click()
    chooser.value.set_files(
        {
            "name": "kube-console.kubeconfig",
            "mimeType": "application/yaml",
            "buffer": kubeconfig.encode(),
        }
    )
    expect(dialog.get_by_role("textbox", name="Kubeconfig")).to_have_value(
        kubeconfig
    )  # read in the browser
    expect(dialog.get_by_role("combobox", name="Context")).to_have_text("e2e")
    expect(problems).to_be_hidden()
    dialog.get_by_role("button", name="Test connection").click()
    result = dialog.get_by_role("status", name="Connection test result")
    expect(result).to_contain_text("The connection works")
    expect(result).to_contain_text("Amazon EKS")
    expect(result).to_contain_text("2 nodes · 4 namespaces · 12 pods")
    expect(result).to_contain_text("can do more than the console needs")  # warned, not blocked

    dialog.get_by_role("button", name="Register cluster").click()
    expect(_toast(page, f"{CLUSTER} is registered: healthy, 2 nodes, 12 pods.")).to_be_visible()
    expect(dialog).to_be_hidden()

    card = page.get_by_role("article", name=CLUSTER)
    expect(card).to_contain_text("Healthy")
    expect(card).to_contain_text("Amazon EKS")
    expect(card).to_contain_text("2 ready")
    expect(card).to_contain_text(re.compile(r"Last successful sync\s*\d+\s*s\s*ago"))
    expect(card.get_by_role("link", name=CLUSTER)).to_have_attribute(
        "href", f"/clusters/{_cluster_id(team, CLUSTER)}"
    )

    card.get_by_role("button", name=f"Sync now ({CLUSTER})").click()
    expect(_toast(page, f"{CLUSTER} synced in")).to_be_visible()

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Workers"
    ).click()
    processes = page.get_by_role("region", name="Worker processes")
    expect(processes.get_by_role("row").filter(has_text="Leader")).to_have_count(1)
    row = (
        page.get_by_role("region", name="Cluster syncs").get_by_role("row").filter(has_text=CLUSTER)
    )
    expect(row).to_contain_text("Healthy")
    runs = page.get_by_role("region", name="Recent runs")
    expect(runs.get_by_role("row").filter(has_text="manual").first).to_contain_text("Succeeded")

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Clusters"
    ).click()
    page.get_by_role("article", name=CLUSTER).get_by_role(
        "button", name=f"Actions for {CLUSTER}"
    ).click()
    page.get_by_role("menuitem", name="Delete…").click()
    confirmation = page.get_by_role("alertdialog", name="Delete this cluster?")
    expect(confirmation).to_contain_text("4 namespaces, 2 nodes")
    confirmation.get_by_role("button", name="Delete cluster").click()
    expect(_toast(page, f"{CLUSTER} is deleted")).to_be_visible()
    expect(page.get_by_role("heading", name="No clusters yet")).to_be_visible()


def test_a_member_sees_the_card_but_no_admin_buttons(team, page: Page, fake_kube, fake, tmp_path):
    _forget_cluster(team, CLUSTER)
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(kubeconfig_yaml(fake_kube.credentials_for(fake), context="e2e"))
    added = team.cli(
        "cluster", "add", "--org", "Initech", "--name", CLUSTER, "--kubeconfig", str(kubeconfig)
    )
    assert added.returncode == 0, added.stderr
    try:
        sign_in_as(page, TEAM_MEMBER)
        page.goto("/clusters")
        card = page.get_by_role("article", name=CLUSTER)
        expect(card).to_contain_text("Healthy")
        expect(card.get_by_role("button")).to_have_count(0)
        expect(page.get_by_role("button", name="Register cluster")).to_have_count(0)
    finally:
        _forget_cluster(team, CLUSTER)


def test_a_member_sees_how_old_a_failing_clusters_data_is_and_that_it_is_registered_twice(
    team, page: Page, fake_kube, fake, tmp_path
):
    for name in (CLUSTER, TWIN):
        _forget_cluster(team, name)
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(kubeconfig_yaml(fake_kube.credentials_for(fake), context="e2e"))
    added = team.cli(
        "cluster", "add", "--org", "Initech", "--name", CLUSTER, "--kubeconfig", str(kubeconfig)
    )
    assert added.returncode == 0, added.stderr
    _register_again_as(team, CLUSTER, TWIN)
    fake.inject(Fault(path="/api", status=503))  # every list fails; /version answers
    cluster_id = _cluster_id(team, CLUSTER)
    synced = team.cli("sync", "--once", "--cluster", str(cluster_id))
    assert synced.returncode == 1 and "no list could be read" in synced.stdout, synced.stdout
    try:
        sign_in_as(page, TEAM_MEMBER)
        page.goto("/clusters")
        card = page.get_by_role("article", name=CLUSTER, exact=True)
        expect(card).to_contain_text("Error")
        expect(card).to_contain_text(
            re.compile(r"Data from\s*\d+ \w+ \d{4}, \d\d:\d\d\s*\(stale\)")
        )
        expect(card).to_contain_text("Registered twice")
        expect(page.get_by_role("article", name=TWIN)).to_contain_text("Registered twice")

        card.get_by_role("link", name=CLUSTER, exact=True).click()
        expect(page.get_by_role("heading", name=CLUSTER)).to_be_visible()
        expect(page.get_by_text("(stale: the last sync failed)")).to_be_visible()
    finally:
        for name in (CLUSTER, TWIN):
            _forget_cluster(team, name)
