"""Profile: the caller's API tokens (list, create, revoke) and their own password.

Everything here acts on the caller only: the services take the caller's org and user id,
so a token id of anyone else is not found.

A new token's raw value is never kept in state, public or backend (reflex-rules.md, rule 2:
states are pickled to disk or Redis): the event that creates it pushes it to the browser
into `NEW_API_TOKEN`, a React state of the page, and keeps no copy. The dialog shows it
from there; closing the dialog, or loading the page again, empties it in the browser too.
"""

from __future__ import annotations

import reflex as rx
from reflex.experimental.client_state import ClientStateVar

from kube_console import routes
from kube_console.errors import ValidationFailed
from kube_console.security.authz import Action, NotFound
from kube_console.security.secrets import password_problem
from kube_console.security.session_cookie import SESSION_DIGEST_HEADER
from kube_console.services import auth as auth_service
from kube_console.services import tokens as tokens_service
from kube_console.services import users as users_service
from kube_console.services.tokens import ApiTokenRow
from kube_console.states.guard import current_context, guarded, in_thread, ui_only

# Lives only in the browser tab's memory (React state), never on the server.
NEW_API_TOKEN = ClientStateVar.create("new_api_token", default="")


class ProfileState(rx.State):
    tokens: list[ApiTokenRow] = []
    loaded: bool = False

    token_dialog_open: bool = False
    token_errors: dict[str, str] = {}
    creating_token: bool = False
    new_token_name: str = ""  # set while the dialog shows a new token (its value is browser-only)

    revoking: bool = False

    password_errors: dict[str, str] = {}
    changing_password: bool = False
    password_form_key: int = 0

    async def _reload_tokens(self) -> None:
        caller = current_context()
        tokens = await in_thread(
            tokens_service.list_tokens, org_id=caller.org_id, user_id=caller.user_id
        )
        async with self:
            self.tokens, self.loaded = tokens, True

    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def load(self):
        async with self:
            self.new_token_name, self.token_dialog_open = "", False
            self.token_errors, self.password_errors = {}, {}
        await self._reload_tokens()
        return NEW_API_TOKEN.push("")

    @ui_only
    def token_dialog_changed(self, open: bool):
        """Opening starts a fresh form; closing makes the browser forget the raw token for good."""
        self.token_dialog_open, self.token_errors, self.new_token_name = open, {}, ""
        return NEW_API_TOKEN.push("")

    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def create_token(self, form: dict[str, str]):
        caller = current_context()
        async with self:
            self.creating_token, self.token_errors = True, {}
        try:
            created = await in_thread(
                tokens_service.create_token,
                org_id=caller.org_id,
                user_id=caller.user_id,
                name=form.get("name", ""),
                role=form.get("role", "read"),
            )
        except ValidationFailed as invalid:
            async with self:
                self.creating_token, self.token_errors = False, invalid.by_field()
            return
        await self._reload_tokens()
        async with self:
            self.creating_token, self.new_token_name = False, created.row.name
        return NEW_API_TOKEN.push(created.token)  # to this browser, once; no copy is kept

    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def revoke_token(self, token_id: int):
        caller = current_context()
        async with self:
            self.revoking = True
        try:
            row = await in_thread(
                tokens_service.revoke_token,
                org_id=caller.org_id,
                user_id=caller.user_id,
                token_id=token_id,
            )
        except NotFound:
            message = rx.toast.error("That token is not one of yours. The list has been refreshed.")
        else:
            message = rx.toast.success(
                f"Token “{row.name}” is revoked; scripts using it are refused from now on."
            )
        await self._reload_tokens()
        async with self:
            self.revoking = False
        return message

    @guarded(Action.MANAGE_OWN_ACCOUNT)
    async def change_password(self, form: dict[str, str]):
        async with self:
            self.changing_password, self.password_errors = True, {}
        errors = await _change_own_password(self, form)
        async with self:
            self.changing_password, self.password_errors = False, errors
            if not errors:  # a new key re-creates the form, which empties its password fields
                self.password_form_key += 1
        if not errors:
            return rx.toast.success("Password changed. Your other sessions were signed out.")


async def _change_own_password(state: rx.State, form: dict[str, str]) -> dict[str, str]:
    """Change the caller's password from a form of current_password, new_password and
    new_password_again; the errors by field (none: changed). What can be told without the
    current password is told all at once before it is checked; the check is counted first,
    as sign-in counts its guesses, and keeps this session open."""
    caller = current_context()
    new_password = form.get("new_password", "")
    errors = {}
    if problem := password_problem(new_password):
        errors["new_password"] = problem
    if new_password != form.get("new_password_again", ""):
        errors["new_password_again"] = "The two new passwords differ."
    if errors:
        return errors
    digest = state.router.headers.raw_headers.get(SESSION_DIGEST_HEADER)
    try:
        await in_thread(
            auth_service.reserve_password_check, user_id=caller.user_id, session_digest=digest
        )
        await in_thread(
            users_service.change_own_password,
            org_id=caller.org_id,
            user_id=caller.user_id,
            current_password=form.get("current_password", ""),
            new_password=new_password,
            keep_session_digest=digest,
        )
    except auth_service.PasswordChecksThrottled as throttled:
        return {"current_password": str(throttled)}
    except ValidationFailed as invalid:
        return invalid.by_field()
    await in_thread(
        auth_service.forget_password_checks, user_id=caller.user_id, session_digest=digest
    )
    return {}


class ChangePasswordState(rx.State):
    """The page a user whose password an admin set is sent to until they choose their own."""

    password_errors: dict[str, str] = {}
    changing_password: bool = False
    email: str = ""

    @guarded(Action.MANAGE_OWN_ACCOUNT, while_password_is_temporary=True)
    async def load(self):
        caller = current_context()
        if not caller.must_change_password:
            return rx.redirect(routes.OVERVIEW)
        async with self:
            self.email, self.password_errors = caller.email, {}

    @guarded(Action.MANAGE_OWN_ACCOUNT, while_password_is_temporary=True)
    async def submit(self, form: dict[str, str]):
        async with self:
            self.changing_password, self.password_errors = True, {}
        errors = await _change_own_password(self, form)
        async with self:
            self.changing_password, self.password_errors = False, errors
        if not errors:
            return [
                rx.redirect(routes.OVERVIEW),
                rx.toast.success("Your password is changed. Welcome to the console."),
            ]
