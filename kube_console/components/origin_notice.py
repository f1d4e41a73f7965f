"""The notice a page shows when it was opened at an address the console does not accept.

The edge refuses the websocket of a page from any origin but the accepted ones
(settings `accepted_origins`, api/edge.py); without this notice such a page would only show its
skeleton and Reflex's "Cannot connect to server". The accepted origins are compiled into the
page, so the browser itself sees that its own origin is not among them and says which address
to open, or which setting to change.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex_base.utils.imports import ImportVar
from reflex_base.vars import VarData
from reflex_base.vars.base import Var

from kube_console.settings import get_settings


def _refused_origin() -> Var:
    """The page's own origin when the console does not accept it, else ""."""
    accepted = json.dumps(get_settings().accepted_origins)
    hooks = {
        'const [refusedOrigin, setRefusedOrigin] = useState("");': None,
        (
            "useEffect(() => { if (!" + accepted + ".includes(window.location.origin)) "
            "setRefusedOrigin(window.location.origin); }, []);"
        ): None,
    }
    imports = {"react": [ImportVar(tag="useState"), ImportVar(tag="useEffect")]}
    return Var(
        _js_expr="refusedOrigin", _var_type=str, _var_data=VarData(imports=imports, hooks=hooks)
    )


def refused_origin_notice() -> rx.Component:
    """An app wrap: the notice above every page, shown only at an origin that is refused."""
    refused = _refused_origin()
    address = get_settings().allowed_origin
    return rx.fragment(
        rx.cond(
            refused,
            rx.box(
                rx.callout(
                    rx.text(
                        "This console does not accept connections from ",
                        rx.code(refused),
                        ", so this page cannot load. Open it at ",
                        rx.link(address, href=address),
                        ", or set ",
                        rx.code("KUBE_CONSOLE_ALLOWED_ORIGIN=", refused),
                        " and restart the console.",
                    ),
                    icon="triangle-alert",
                    color_scheme="red",
                    role="alert",
                    id="refused-origin",
                ),
                position="fixed",
                top="0",
                left="0",
                right="0",
                z_index="1000",
                padding="1rem",
            ),
        )
    )
