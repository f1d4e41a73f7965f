"""The security headers every answer carries, and the Content-Security-Policy of the pages.

Every answer: `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`,
`X-Frame-Options: DENY` with `frame-ancestors 'none'` (the console is never framed, so no
page can be clickjacked), and HSTS when the console's origin is https.

HTML pages get a policy that allows exactly what the Reflex 0.10 production build runs:
- scripts from the console's own origin, and the build's inline scripts by their SHA-256
  (React Router's hydration data and module loader, the theme and scroll restorers): the
  hashes are read from the built pages themselves, so an injected inline script or event
  handler attribute does not run;
- `'unsafe-eval'`: Reflex runs `rx.call_script` code with `eval` (the kubeconfig form's
  "Upload a file…" uses it); that code comes from the server's event handlers only;
- inline styles (`'unsafe-inline'` in style-src only): Radix and Emotion set style
  attributes and insert <style> elements at run time;
- data: images and fonts (Radix and plotly use them), and connections to the console's own
  origin, its websocket included.
Every other answer (JSON, CSV, scripts, styles) gets `default-src 'none'`: nothing it holds
may run or load anything should a browser open it as a document.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600

_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC_ATTRIBUTE = re.compile(r"\bsrc\s*=", re.IGNORECASE)

NON_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def inline_script_hashes(html: str) -> list[str]:
    """The CSP source expressions ('sha256-…') of the inline scripts of an HTML page."""
    hashes = []
    for attributes, body in _INLINE_SCRIPT.findall(html):
        if _SRC_ATTRIBUTE.search(attributes):
            continue
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return list(dict.fromkeys(hashes))


def page_policy(script_hashes: Iterable[str], *, origin: str) -> str:
    """The Content-Security-Policy of an HTML page whose inline scripts have these hashes."""
    connect = ["'self'"]
    websocket = _websocket_origin(origin)
    if websocket:  # 'self' covers the same-origin websocket in CSP 3; older browsers need it named
        connect.append(websocket)
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self' 'unsafe-eval'", *sorted(set(script_hashes))]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        f"connect-src {' '.join(connect)}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def _websocket_origin(origin: str) -> str | None:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"


def common_headers(*, https: bool) -> list[tuple[str, str]]:
    """The headers every answer carries, pages or not."""
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]
    if https:
        headers.append(("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE_SECONDS}"))
    return headers


class BuiltPages:
    """The inline script hashes of every page of a built frontend, read once.

    `directory` may not exist yet (the frontend is built before the server starts in
    production, not in development, where the pages are not served from here): then no hash
    is allowed, and it is read again on the next request."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._hashes: list[str] | None = None

    def script_hashes(self) -> list[str]:
        if self._hashes is None:
            hashes = self._read()
            if hashes:
                self._hashes = hashes
            return hashes
        return self._hashes

    def _read(self) -> list[str]:
        if self.directory is None or not self.directory.is_dir():
            return []
        hashes: dict[str, None] = {}
        for page in sorted(self.directory.rglob("*.html")):
            for source in inline_script_hashes(page.read_text("utf-8", errors="replace")):
                hashes[source] = None
        return list(hashes)
