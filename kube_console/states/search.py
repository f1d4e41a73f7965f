"""The global search in the top bar: type-ahead over the org's clusters, namespaces, workloads,
pods and Helm releases (services/search.py), walked with the arrow keys, opened with Enter."""

from __future__ import annotations

import reflex as rx

from kube_console.security.authz import Action
from kube_console.services import explore_pages
from kube_console.states.explore_support import off_the_loop
from kube_console.states.explore_view_models import SearchOption
from kube_console.states.explore_views import search_option
from kube_console.states.guard import current_context, guarded, ui_only

MIN_QUERY_LENGTH = 2
HITS_PER_KIND = 5


class SearchState(rx.State):
    text: str = ""
    options: list[SearchOption] = []
    answered: str = ""  # the query `options` answer ("" before the first answer)
    searching: bool = False
    open: bool = False
    active: int = -1  # the option the arrow keys are on
    _latest: str = ""  # the newest query: answers to older ones are dropped

    def _close(self) -> None:
        self.open, self.active = False, -1

    @guarded(Action.READ)
    async def typed(self, text: str):
        query = text.strip()
        async with self:
            self.text, self._latest = text, query
            if len(query) < MIN_QUERY_LENGTH:
                self.options, self.answered, self.searching = [], "", False
                self._close()
                return
            self.searching, self.open = True, True
        results = await off_the_loop(
            explore_pages.read_search,
            org_id=current_context().org_id,
            query=query,
            limit_per_kind=HITS_PER_KIND,
        )
        async with self:
            if self._latest != query:
                return
            self.options = [search_option(hit) for hit in results.hits]
            self.answered, self.searching = query, False
            self.active = 0 if self.options else -1

    @ui_only
    def key_pressed(self, key: str):
        if key == "Escape":
            self._close()
        elif key in ("ArrowDown", "ArrowUp") and self.options:
            step = 1 if key == "ArrowDown" else -1
            self.open = True
            self.active = (self.active + step) % len(self.options)
        elif key == "Enter" and self.open and 0 <= self.active < len(self.options):
            href = self.options[self.active].href
            self._close()
            self.text, self.options, self.answered = "", [], ""
            return rx.redirect(href)

    @ui_only
    def focused(self):
        self.open = bool(self.answered)

    @ui_only
    def blurred(self):
        self._close()

    @ui_only
    def chosen(self):
        """An option was clicked: its link navigates; the box empties for the next search."""
        self._close()
        self.text, self.options, self.answered = "", [], ""
