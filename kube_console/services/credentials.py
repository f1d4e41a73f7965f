"""Storing and reading cluster credentials through the keyring, and rotating them to the primary key.

A cluster's credential exists in clear only as the return value of `load_credential`, which
builds a client, and in memory beside that client while a worker keeps it for the cluster's
next syncs (kube/client.ApiClientCache); it is never stored, logged or shown in clear.
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from kube_console.kube.credentials import ClusterCredentials
from kube_console.models import Cluster
from kube_console.security.keyring import Keyring
from kube_console.services.cluster_identity import endpoint_fingerprint


def store_credential(
    *, cluster: Cluster, credentials: ClusterCredentials, keyring: Keyring
) -> None:
    """Encrypt `credentials` onto `cluster` (which must have an id) with what may be shown of it."""
    assert cluster.id is not None
    key_id, ciphertext = keyring.encrypt(
        credentials.to_json(), org_id=cluster.org_id, cluster_id=cluster.id
    )
    summary = credentials.summary()
    cluster.credential_key_id = key_id
    cluster.credential_ciphertext = ciphertext
    cluster.server_host = summary.server_host
    cluster.credential_user = summary.user_name
    cluster.credential_kind = summary.credential_kind
    cluster.certificate_expires_at = summary.certificate_expires_at
    cluster.insecure_tls_acknowledged = credentials.insecure_skip_tls_verify
    cluster.endpoint_fingerprint = endpoint_fingerprint(credentials)


def load_credential(*, cluster: Cluster, keyring: Keyring) -> ClusterCredentials:
    assert cluster.id is not None
    plaintext = keyring.decrypt(
        cluster.credential_key_id or "",
        cluster.credential_ciphertext or b"",
        org_id=cluster.org_id,
        cluster_id=cluster.id,
    )
    return ClusterCredentials.from_json(plaintext)


def credentials_by_key(*, session: Session) -> dict[str, int]:
    """How many stored credentials each key id encrypts (all organizations: an operator's view)."""
    rows = session.exec(
        select(col(Cluster.credential_key_id), func.count(col(Cluster.id)))
        .where(col(Cluster.credential_key_id).is_not(None))
        .group_by(col(Cluster.credential_key_id))
    ).all()
    return {key_id: count for key_id, count in rows if key_id is not None}


def rotate_batch(*, session: Session, keyring: Keyring, batch_size: int = 100) -> int:
    """Re-encrypt up to `batch_size` credentials still on an older key; returns how many moved.

    Each batch is its own transaction in the caller, so an interrupted rotation loses
    nothing and simply continues where it stopped when run again.
    """
    clusters = session.exec(
        select(Cluster)
        .where(
            col(Cluster.credential_key_id).is_not(None),
            col(Cluster.credential_key_id) != keyring.primary_id,
        )
        .order_by(col(Cluster.id))
        .limit(batch_size)
    ).all()
    for cluster in clusters:
        assert cluster.id is not None and cluster.credential_key_id is not None
        cluster.credential_key_id, cluster.credential_ciphertext = keyring.reencrypt(
            cluster.credential_key_id,
            cluster.credential_ciphertext or b"",
            org_id=cluster.org_id,
            cluster_id=cluster.id,
        )
        session.add(cluster)
    return len(clusters)
