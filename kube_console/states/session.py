"""Who is signed in (for the shell), the first-run setup page and the sign-in page."""

from __future__ import annotations

import reflex as rx

from kube_console.errors import ValidationFailed
from kube_console.security.authz import Action
from kube_console.services import auth as auth_service
from kube_console.services import users as users_service
from kube_console.states.guard import current_context, guarded, in_thread, public, resolve_caller


class SessionState(rx.State):
    """The signed-in user's name for the shell. `show_admin_nav` only decides what the menu shows:
    every admin handler checks the role again on the server."""

    email: str = ""
    display_name: str = ""
    org_name: str = ""
    show_admin_nav: bool = False

    @guarded(Action.READ)
    async def require_session(self):
        """on_load of every signed-in page: fills the shell, or sends the browser to sign in."""
        caller = current_context()
        profile = await in_thread(
            users_service.profile, org_id=caller.org_id, user_id=caller.user_id
        )
        async with self:
            self.email = profile.email
            self.display_name = profile.display_name or profile.email
            self.org_name = profile.org_name
            self.show_admin_nav = caller.is_admin

    @rx.var
    def initials(self) -> str:
        words = (self.display_name or self.email).replace("@", " ").replace(".", " ").split()
        return "".join(word[0] for word in words[:2]).upper() or "?"


SETUP_FORM_ID = "setup-form"


class SetupState(rx.State):
    """First-run setup: exists only while the console has no user."""

    errors: dict[str, str] = {}
    saving: bool = False

    @public
    async def check_open(self):
        if not await in_thread(auth_service.setup_required):
            return rx.redirect("/login")

    @public
    async def submit(self, form: dict[str, str]):
        """Create the organization and its admin, then sign the admin in: the page posts the
        form it holds (e-mail and password) to the sign-in route, whose answer sets the
        HttpOnly session cookie and opens the Overview. Every mistake is shown at once."""
        async with self:
            self.saving, self.errors = True, {}
        password = form.get("password", "")
        errors = ValidationFailed(
            auth_service.setup_problems(
                org_name=form.get("org_name", ""), email=form.get("email", ""), password=password
            )
        ).by_field()
        if password != form.get("password_again", ""):
            errors["password_again"] = "The two passwords differ."
        if errors:
            async with self:
                self.saving, self.errors = False, errors
            return
        try:
            await in_thread(
                auth_service.complete_setup,
                org_name=form.get("org_name", ""),
                email=form.get("email", ""),
                password=password,
                display_name=form.get("display_name", ""),
            )
        except ValidationFailed as invalid:
            async with self:
                self.saving, self.errors = False, invalid.by_field()
            return
        except auth_service.SetupClosed:
            return rx.redirect("/login")
        # Still saving: the button stays disabled while the browser signs in.
        return rx.call_script(
            f"HTMLFormElement.prototype.submit.call(document.getElementById('{SETUP_FORM_ID}'))"
        )


def _retry_seconds(text: str) -> int:
    """The wait the sign-in redirect names (the URL is the browser's: anything may be there)."""
    longest = int(auth_service.MAX_DELAY.total_seconds())
    if not (text.isascii() and text.isdigit()):
        return longest
    return max(1, min(int(text[:7]), longest))  # no more digits than a bound needs


class SignInState(rx.State):
    """The sign-in page: shows why the last attempt failed (the form posts to /auth/sign-in)."""

    error: str = ""
    notice: str = ""
    next_path: str = "/"

    @public
    async def load(self):
        if await in_thread(auth_service.setup_required):
            return rx.redirect("/setup")
        query = self.router.url.query_parameters
        target = query.get("next", "/")
        if await resolve_caller(self) is not None:
            return rx.redirect(
                target if target.startswith("/") and not target.startswith("//") else "/"
            )
        async with self:
            await self._forget_previous_user()
            self.next_path = target
            self.error, self.notice = "", ""
            if query.get("error") == "refused":
                self.error = auth_service.SIGN_IN_REFUSED
            elif query.get("error") == "throttled":
                self.error = auth_service.throttled_message(_retry_seconds(query.get("retry", "")))
            elif query.get("signed_out"):
                self.notice = "You have signed out."

    async def _forget_previous_user(self) -> None:
        """Empty every console state of this browser tab: whoever signs in here next must not
        be sent what the last user's pages loaded (Reflex keeps state per tab, not per user)."""
        for state_class in rx.State.get_substates():
            if (
                state_class.__module__.startswith("kube_console.")
                and state_class is not SignInState
            ):
                (await self.get_state(state_class)).reset()
