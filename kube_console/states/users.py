"""Admin → Users: list the organization's users, add one, change a role, disable or enable,
reset a password.

Every handler that touches a user is guarded with `Action.MANAGE_USERS` and passes the
caller's org to the service, so an id from another organization is simply not found. The
user a dialog acts on is kept in a backend var: the browser sees the e-mail, not the id.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from kube_console.errors import Conflict, ValidationFailed
from kube_console.security.authz import Action, NotFound
from kube_console.services import users as users_service
from kube_console.services.users import UserRow
from kube_console.states.guard import current_context, guarded, in_thread, ui_only

USER_GONE = "That user is not in your organization any more. The list has been refreshed."


def _reset_done(reset: users_service.PasswordReset) -> str:
    done = f"Password reset. {reset.user.email} was signed out everywhere"
    if reset.revoked_tokens:
        revoked = _their_tokens(reset.revoked_tokens)
        return f"{done} and {revoked} revoked; they sign in with the new password."
    if reset.kept_tokens:
        return f"{done}; {_their_tokens(reset.kept_tokens)} kept."
    return f"{done} and signs in with the new password."


def _their_tokens(count: int) -> str:
    return "their API token was" if count == 1 else f"their {count} API tokens were"


class UsersState(rx.State):
    users: list[UserRow] = []
    loaded: bool = False
    refusal: str = ""
    busy: bool = False

    create_open: bool = False
    create_errors: dict[str, str] = {}
    creating: bool = False

    disable_open: bool = False
    disable_email: str = ""
    disabling: bool = False
    _disable_user_id: int | None = None

    reset_open: bool = False
    reset_email: str = ""
    reset_errors: dict[str, str] = {}
    resetting: bool = False
    _reset_user_id: int | None = None

    def _refuse(self, reason: str) -> None:
        self.users, self.loaded, self.refusal = [], True, reason
        self.busy = self.disabling = False
        self.create_open = self.disable_open = self.reset_open = False
        self._disable_user_id = self._reset_user_id = None

    async def _reload(self) -> None:
        users = await in_thread(users_service.list_users, org_id=current_context().org_id)
        async with self:
            self.users, self.loaded, self.refusal = users, True, ""

    async def _finish(self, message: Any, *, reload: bool = False) -> Any:
        """End a row action: refresh the list when it changed under us, clear `busy`, say how it went."""
        if reload:
            await self._reload()
        async with self:
            self.busy = False
        return message

    async def _find(self, user_id: int) -> UserRow | None:
        try:
            return await in_thread(
                users_service.get_user, org_id=current_context().org_id, user_id=user_id
            )
        except NotFound:
            return None

    @guarded(Action.MANAGE_USERS, on_forbidden=_refuse)
    async def load(self):
        await self._reload()

    @ui_only
    def create_dialog_changed(self, open: bool):
        self.create_open, self.create_errors = open, {}

    @guarded(Action.MANAGE_USERS)
    async def create_user(self, form: dict[str, str]):
        async with self:
            self.creating, self.create_errors = True, {}
        try:
            row = await in_thread(
                users_service.create_user,
                org_id=current_context().org_id,
                email=form.get("email", ""),
                display_name=form.get("display_name", ""),
                role=form.get("role", ""),
                password=form.get("password", ""),
                temporary_password=True,  # they choose their own at their first sign-in
            )
        except ValidationFailed as invalid:
            async with self:
                self.creating, self.create_errors = False, invalid.by_field()
            return
        await self._reload()
        async with self:
            self.creating, self.create_open = False, False
        return rx.toast.success(
            f"{row.email} can now sign in as {row.role}, and will choose their own password then."
        )

    @guarded(Action.MANAGE_USERS)
    async def change_role(self, user_id: int, role: str):
        async with self:
            self.busy = True
        try:
            row = await in_thread(
                users_service.set_role, org_id=current_context().org_id, user_id=user_id, role=role
            )
        except NotFound:
            return await self._finish(rx.toast.error(USER_GONE), reload=True)
        except (Conflict, ValidationFailed) as refused:
            return await self._finish(rx.toast.error(str(refused)))
        return await self._finish(rx.toast.success(f"{row.email} is now {row.role}."), reload=True)

    @guarded(Action.MANAGE_USERS)
    async def ask_to_disable(self, user_id: int):
        """Open the confirmation for this user, looked up in the caller's org."""
        if (row := await self._find(user_id)) is None:
            await self._reload()
            return rx.toast.error(USER_GONE)
        async with self:
            self._disable_user_id, self.disable_email, self.disable_open = row.id, row.email, True

    @ui_only
    def disable_dialog_changed(self, open: bool):
        if self.disabling:
            return  # the confirmed disable closes the dialog itself when it is done
        self.disable_open = open
        if not open:
            self._disable_user_id, self.disable_email = None, ""

    @guarded(Action.MANAGE_USERS)
    async def disable_confirmed(self):
        async with self:
            user_id, self.disabling = self._disable_user_id, True
        if user_id is None:
            message = rx.toast.error("Choose a user to disable first.")
        else:
            message = await self._set_active(user_id, active=False)
        async with self:
            self.disabling, self.disable_open = False, False
            self._disable_user_id, self.disable_email = None, ""
        return message

    @guarded(Action.MANAGE_USERS)
    async def enable_user(self, user_id: int):
        async with self:
            self.busy = True
        return await self._set_active(user_id, active=True)

    async def _set_active(self, user_id: int, *, active: bool) -> Any:
        try:
            row = await in_thread(
                users_service.set_active,
                org_id=current_context().org_id,
                user_id=user_id,
                active=active,
            )
        except NotFound:
            return await self._finish(rx.toast.error(USER_GONE), reload=True)
        except Conflict as refused:
            return await self._finish(rx.toast.error(str(refused)))
        if active:
            return await self._finish(
                rx.toast.success(f"{row.email} can sign in again."), reload=True
            )
        done = f"{row.email} is disabled and was signed out everywhere."
        return await self._finish(rx.toast.success(done), reload=True)

    @guarded(Action.MANAGE_USERS)
    async def ask_to_reset_password(self, user_id: int):
        if (row := await self._find(user_id)) is None:
            await self._reload()
            return rx.toast.error(USER_GONE)
        async with self:
            self._reset_user_id, self.reset_email = row.id, row.email
            self.reset_open, self.reset_errors = True, {}

    @ui_only
    def reset_dialog_changed(self, open: bool):
        self.reset_open, self.reset_errors = open, {}
        if not open:
            self._reset_user_id, self.reset_email = None, ""

    @guarded(Action.MANAGE_USERS)
    async def reset_password(self, form: dict[str, str]):
        async with self:
            user_id, self.resetting, self.reset_errors = self._reset_user_id, True, {}
        if form.get("password", "") != form.get("password_again", ""):
            async with self:
                self.resetting, self.reset_errors = (
                    False,
                    {"password_again": "The two passwords differ."},
                )
            return
        try:
            if user_id is None:
                raise NotFound("no user chosen")
            reset = await in_thread(
                users_service.reset_password,
                org_id=current_context().org_id,
                user_id=user_id,
                password=form.get("password", ""),
                # Revoked unless the admin ticks "keep": a form that lost the box revokes.
                revoke_tokens=not form.get("keep_api_tokens"),
            )
        except ValidationFailed as invalid:
            async with self:
                self.resetting, self.reset_errors = False, invalid.by_field()
            return
        except NotFound:
            async with self:
                self.resetting, self.reset_open, self._reset_user_id, self.reset_email = (
                    False,
                    False,
                    None,
                    "",
                )
            await self._reload()
            return rx.toast.error(USER_GONE)
        async with self:
            self.resetting, self.reset_open, self._reset_user_id, self.reset_email = (
                False,
                False,
                None,
                "",
            )
        return rx.toast.success(_reset_done(reset))
