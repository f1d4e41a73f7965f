"""The encryption keyring for cluster credentials: MultiFernet keys with ids, primary first.

KUBE_CONSOLE_ENCRYPTION_KEYS="k2:<fernet key>,k1:<fernet key>". New ciphertexts use the
primary (first) key and are stored with its id. Each plaintext is bound to the
(org_id, cluster_id) it belongs to and checked again on decrypt, so a ciphertext copied
onto another cluster's row is refused. A missing or malformed keyring fails closed:
`KeyringUnavailable` says which variable to set and how to make a key.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import re

import orjson
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from kube_console.settings import get_settings

VARIABLE = "KUBE_CONSOLE_ENCRYPTION_KEYS"
HOW_TO_FIX = (
    f"Set {VARIABLE} to 'k1:<key>' (primary first, comma-separated). "
    "Make a key with: python -m kube_console keys generate"
)
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class KeyringUnavailable(Exception):
    """The keyring is missing or malformed; nothing may be encrypted or decrypted."""


class CredentialUnreadable(Exception):
    """A stored ciphertext cannot be decrypted or does not belong to the row it was read from."""


@dataclasses.dataclass(frozen=True)
class Keyring:
    keys: dict[str, Fernet]  # insertion order: primary first

    @property
    def primary_id(self) -> str:
        return next(iter(self.keys))

    @classmethod
    def parse(cls, raw: str | None) -> Keyring:
        if not raw or not raw.strip():
            raise KeyringUnavailable(f"{VARIABLE} is not set. {HOW_TO_FIX}")
        keys: dict[str, Fernet] = {}
        for position, entry in enumerate(raw.split(","), start=1):
            key_id, sep, material = entry.strip().partition(":")
            if not sep or not _KEY_ID.match(key_id):
                raise KeyringUnavailable(
                    f"{VARIABLE}: entry {position} is not '<id>:<fernet key>' "
                    f"(ids use letters, digits, '_', '-', '.'). {HOW_TO_FIX}"
                )
            if key_id in keys:
                raise KeyringUnavailable(
                    f"{VARIABLE}: key id '{key_id}' appears twice. {HOW_TO_FIX}"
                )
            try:
                keys[key_id] = Fernet(material.strip())
            except ValueError:
                raise KeyringUnavailable(
                    f"{VARIABLE}: key '{key_id}' is not a valid Fernet key "
                    f"(32 url-safe base64-encoded bytes). {HOW_TO_FIX}"
                ) from None
        return cls(keys=keys)

    def encrypt(self, plaintext: bytes, *, org_id: int, cluster_id: int) -> tuple[str, bytes]:
        """Encrypt under the primary key; returns (key id, ciphertext)."""
        bound = orjson.dumps(
            {
                "org_id": org_id,
                "cluster_id": cluster_id,
                "data": base64.b64encode(plaintext).decode(),
            }
        )
        return self.primary_id, self.keys[self.primary_id].encrypt(bound)

    def decrypt(self, key_id: str, ciphertext: bytes, *, org_id: int, cluster_id: int) -> bytes:
        fernet = self.keys.get(key_id)
        if fernet is None:
            raise CredentialUnreadable(
                f"the credential was encrypted with key '{key_id}', which is not in {VARIABLE}"
            )
        try:
            bound = orjson.loads(fernet.decrypt(ciphertext))
        except InvalidToken:
            raise CredentialUnreadable(
                f"the credential does not decrypt with key '{key_id}' (corrupted, or the key changed)"
            ) from None
        if bound.get("org_id") != org_id or bound.get("cluster_id") != cluster_id:
            raise CredentialUnreadable("the credential belongs to another cluster and was refused")
        return base64.b64decode(bound["data"])

    def reencrypt(
        self, key_id: str, ciphertext: bytes, *, org_id: int, cluster_id: int
    ) -> tuple[str, bytes]:
        """Move a ciphertext onto the primary key, checking its binding on the way."""
        self.decrypt(key_id, ciphertext, org_id=org_id, cluster_id=cluster_id)
        rotated = MultiFernet(list(self.keys.values())).rotate(ciphertext)
        return self.primary_id, rotated


def generate_key() -> str:
    return Fernet.generate_key().decode()


@functools.cache
def get_keyring() -> Keyring:
    """The process keyring from the settings; raises KeyringUnavailable (fail closed)."""
    secret = get_settings().encryption_keys
    return Keyring.parse(secret.get_secret_value() if secret else None)


def keyring_problem() -> str | None:
    """Why credentials can't be used right now, in words for an admin; None when all is well."""
    try:
        get_keyring()
    except KeyringUnavailable as exc:
        return str(exc)
    return None
