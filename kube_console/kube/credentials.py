"""The canonical, validated credential for one cluster: the only shape a kubeconfig takes after intake.

Only the fields kubeconfig-intake.md allows survive intake; this is what gets encrypted and
stored, and what `kube.client` builds a `Configuration` from. Secret fields are left out of
`repr` so a stray log line or traceback never prints them.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from typing import Literal
from urllib.parse import urlsplit

import orjson
from cryptography import x509

CredentialKind = Literal["token", "client-certificate"]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CredentialSummary:
    """What the console may show about a credential: never the secret itself."""

    server_host: str
    user_name: str
    credential_kind: CredentialKind
    certificate_expires_at: dt.datetime | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ClusterCredentials:
    server: str
    certificate_authority_data: str | None = None
    tls_server_name: str | None = None
    insecure_skip_tls_verify: bool = False
    token: str | None = dataclasses.field(default=None, repr=False)
    client_certificate_data: str | None = dataclasses.field(default=None, repr=False)
    client_key_data: str | None = dataclasses.field(default=None, repr=False)
    context_name: str = ""
    cluster_name: str = ""
    user_name: str = ""

    @property
    def credential_kind(self) -> CredentialKind:
        return "token" if self.token else "client-certificate"

    @property
    def server_host(self) -> str:
        return urlsplit(self.server).hostname or ""

    def to_json(self) -> bytes:
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return orjson.dumps({k: v for k, v in fields.items() if v not in (None, "", False)})

    @classmethod
    def from_json(cls, raw: bytes | str) -> ClusterCredentials:
        return cls(**orjson.loads(raw))

    def summary(self) -> CredentialSummary:
        return CredentialSummary(
            server_host=self.server_host,
            user_name=self.user_name,
            credential_kind=self.credential_kind,
            certificate_expires_at=self._client_certificate_expiry(),
        )

    def _client_certificate_expiry(self) -> dt.datetime | None:
        if not self.client_certificate_data:
            return None
        try:
            pem = base64.b64decode(self.client_certificate_data)
            return x509.load_pem_x509_certificate(pem).not_valid_after_utc
        except ValueError:
            return None
