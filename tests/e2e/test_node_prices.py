"""Admin → Settings → Node prices in Chromium, for Initech: an admin previews and adds a rule,
uploads a catalogue file with a bad row and reads its error, deletes the rule after confirming;
a member reads the node prices without any control to change them."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from kube_console.costs.catalogue import COLUMNS
from tests.e2e.conftest import TEAM_ADMIN, TEAM_MEMBER, sign_in_as

BAD_CATALOGUE = (
    ",".join(COLUMNS)
    + "\naws,us-east-1,m5.large,2,8,0,,0.09,EDP,2026-02-01\naws,us-east-1,m5.xlarge,4,16,0,,abc,EDP,2026-02-01\n"
)


def test_an_admin_manages_node_prices_and_a_member_reads_them(team, page: Page, tmp_path: Path):
    sign_in_as(page, TEAM_ADMIN)
    page.goto("/admin/settings")
    expect(page.get_by_role("heading", name="Node prices")).to_be_visible()
    expect(page.get_by_text("No rules: nodes are priced from the catalogue")).to_be_visible()

    page.get_by_role("button", name="New rule").click()
    dialog = page.get_by_role("dialog", name="New node price rule")
    dialog.get_by_label("Label selector").fill("pool=gpu-a100,team=ml")
    dialog.get_by_role("button", name="Preview matching nodes").click()
    expect(dialog.get_by_role("status")).to_have_text("Matches 0 nodes now.")
    dialog.get_by_label("Price per node-hour").fill("3.5")
    dialog.get_by_role("button", name="Add rule").click()
    expect(dialog).to_be_hidden()
    rules = page.get_by_role("table", name="Node price rules")
    expect(rules).to_contain_text("pool=gpu-a100,team=ml")
    expect(rules).to_contain_text("$3.50")

    page.get_by_role("button", name="Upload CSV").click()
    upload = page.get_by_role("dialog", name="Upload a price catalogue")
    csv_file = tmp_path / "prices.csv"
    csv_file.write_text(BAD_CATALOGUE)
    upload.get_by_label("Catalogue CSV file").set_input_files(str(csv_file))
    expect(upload.get_by_label("Catalogue CSV", exact=True)).to_have_value(BAD_CATALOGUE)
    upload.get_by_role("button", name="Upload").click()
    expect(upload.get_by_role("alert")).to_contain_text(
        "line 3: on_demand_hour: expected a non-negative number, got 'abc'"
    )
    upload.get_by_role("button", name="Cancel").click()

    page.get_by_role("button", name="Delete rule pool=gpu-a100,team=ml").click()
    confirm = page.get_by_role("alertdialog", name="Delete this rule?")
    confirm.get_by_role("button", name="Delete rule").click()
    expect(page.get_by_text("Deleted the rule pool=gpu-a100,team=ml.")).to_be_visible()
    expect(rules).to_be_hidden()

    page.get_by_role("button", name="User menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    sign_in_as(page, TEAM_MEMBER)
    page.goto("/admin/settings")
    expect(page.get_by_role("heading", name="Node prices")).to_be_visible()
    expect(page.get_by_role("heading", name="Spot factors")).to_be_visible()
    expect(page.get_by_role("button", name="New rule")).to_have_count(0)
    expect(page.get_by_role("button", name="Upload CSV")).to_have_count(0)
