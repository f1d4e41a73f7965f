"""The shell in Chromium: sidebar at 1280 px, a navigation menu button at 768 px, light and
dark mode, and empty states with no made-up figures for an organization with no clusters."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import TEAM_ADMIN, TEAM_MEMBER, sign_in_as


def test_the_sidebar_shows_at_1280_px_and_a_menu_button_replaces_it_at_768_px(team, page: Page):
    sign_in_as(page, TEAM_ADMIN)
    sidebar = page.get_by_role("navigation", name="Main navigation")
    menu_button = page.get_by_role("button", name="Navigation menu")
    expect(sidebar).to_be_visible()
    expect(menu_button).to_be_hidden()

    page.set_viewport_size({"width": 768, "height": 900})
    expect(sidebar).to_be_hidden()
    expect(menu_button).to_be_visible()
    menu_button.click()
    page.get_by_role("menuitem", name="Users").click()
    expect(page).to_have_url(re.compile(r"/admin/users/?$"))
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=TEAM_MEMBER.email)).to_be_visible()


def test_the_colour_mode_switches_between_light_and_dark(team, page: Page):
    page.emulate_media(color_scheme="light")
    sign_in_as(page, TEAM_ADMIN)
    html = page.locator("html")
    expect(html).not_to_have_class(re.compile(r"\bdark\b"))
    page.get_by_role("button", name="Switch light or dark mode").click()
    expect(html).to_have_class(re.compile(r"\bdark\b"))


@pytest.mark.parametrize(
    ("path", "empty_state"),
    [
        ("/clusters", "No clusters yet"),
        ("/costs", "No costs yet"),
        ("/helm", "No Helm releases yet"),
    ],
)
def test_pages_of_an_org_with_no_clusters_show_an_empty_state_and_no_figures(
    team, page: Page, path, empty_state
):
    sign_in_as(page, TEAM_ADMIN)
    page.goto(path)
    expect(page.get_by_role("heading", name=empty_state)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(
        re.compile(r"\$\s?\d|\d+\s?%")
    )  # no made-up figures
