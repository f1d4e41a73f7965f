"""The REST API v1, an ASGI app mounted at /api/v1 through Reflex's api_transformer:

    /api/v1/k8s/...        the routes (api/clusters.py, api/inventory.py, api/costs.py)
    /api/v1/openapi.json   the OpenAPI 3 spec
    /api/v1/docs           interactive docs (Swagger UI served from this server: no CDN)

It calls the services the pages call; routes, schemas and token auth are all it holds.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from kube_console.api import clusters, costs, errors, inventory
from kube_console.security.headers import inline_script_hashes, page_policy
from kube_console.settings import get_settings

# Swagger UI 5 (it reads OpenAPI 3.1), as the pinned fastapi-offline package ships it.
SWAGGER_ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOCS_ASSETS_PATH = "/docs/assets"

DESCRIPTION = """
Everything the console's pages show, for scripts. Authenticate with an API token:
`Authorization: Bearer <token>` (Profile → API tokens, or `python -m kube_console api-token create`).

* Every object belongs to your organization; an id of another organization is 404.
* Lists are paged: `limit` (1–500, default 50) and `cursor` (the previous page's `next_cursor`).
* Times are RFC 3339 in UTC; quantities carry their unit in the field name (`cpu_cores`,
  `memory_bytes`); money comes with its `currency`.
* Every error is `{"error": {"code", "message", "field"?}}`.
* Each token may make `KUBE_CONSOLE_API_RATE_LIMIT_PER_MINUTE` requests a minute (bursts up to
  `KUBE_CONSOLE_API_RATE_LIMIT_BURST`); beyond that, 429 with `Retry-After`.
"""


def create_api() -> FastAPI:
    app = FastAPI(
        title="kube-console API",
        version="1",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        swagger_ui_parameters={"validatorUrl": None},
    )
    errors.install_error_handlers(app)
    k8s = APIRouter(
        prefix="/k8s",
        responses={**errors.UNAUTHENTICATED, **errors.INVALID, **errors.RATE_LIMITED},
    )
    k8s.include_router(clusters.router)
    k8s.include_router(inventory.router)
    k8s.include_router(costs.router)
    app.include_router(k8s)
    app.mount(DOCS_ASSETS_PATH, StaticFiles(directory=SWAGGER_ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title="kube-console API",
            swagger_js_url=f"{root}{DOCS_ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS_PATH}/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters,
        )
        # Its one inline script (Swagger UI's start) is allowed by its hash, like the pages'.
        scripts = inline_script_hashes(bytes(page.body).decode("utf-8"))
        page.headers["Content-Security-Policy"] = page_policy(
            scripts, origin=get_settings().allowed_origin
        )
        return page

    return app


api_v1 = create_api()
