"""Admin → Workers (placeholder until the scheduler issue fills the page): admins only."""

from __future__ import annotations

import reflex as rx

from kube_console.security.authz import Action
from kube_console.states.guard import guarded


class WorkersState(rx.State):
    checked: bool = False
    refusal: str = ""

    def _refuse(self, reason: str) -> None:
        self.checked, self.refusal = True, reason

    @guarded(Action.VIEW_WORKERS, on_forbidden=_refuse)
    async def load(self):
        async with self:
            self.checked, self.refusal = True, ""
