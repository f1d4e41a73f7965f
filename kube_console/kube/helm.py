"""Read Helm release metadata out of Helm's release Secrets, never keeping the values.

Helm 3 stores each revision of a release in a Secret of type `helm.sh/release.v1` whose
`release` key is base64 (the Secret encoding) of base64 of gzip of the release JSON. That
JSON carries the chart's values and the user's values, which often hold passwords: msgspec
decodes only the metadata fields below and skips the rest without building it, and the
decoded payload is dropped as soon as those fields are read.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import zlib

import msgspec

from kube_console.kube.objects import HelmReleaseRecord, HelmRevision, Page

__all__ = [
    "HELM_SECRETS_FIELD_SELECTOR",
    "HELM_SECRETS_LABEL_SELECTOR",
    "HISTORY_LIMIT",
    "decode_helm_secrets",
    "latest_revisions",
]

log = logging.getLogger(__name__)

HELM_SECRETS_FIELD_SELECTOR = "type=helm.sh/release.v1"
# Every revision Helm keeps (its --history-max, 10 by default): the release page shows them all.
HELM_SECRETS_LABEL_SELECTOR = "owner=helm"
# A release's history keeps at most this many revisions, newest first.
HISTORY_LIMIT = 50

_GZIP_MAGIC = b"\x1f\x8b"
# A Secret holds at most 1 MiB; a payload that inflates beyond this is not a real release.
_MAX_RELEASE_JSON_BYTES = 64 * 1024 * 1024


class _Raw(msgspec.Struct, frozen=True, gc=False):
    pass


class _RawChartMetadata(_Raw, frozen=True):
    name: str = ""
    version: str = ""
    appVersion: str = ""


class _RawChart(_Raw, frozen=True):
    metadata: _RawChartMetadata = _RawChartMetadata()


class _RawReleaseInfo(_Raw, frozen=True):
    status: str = ""
    last_deployed: dt.datetime | None = None
    description: str = ""


class _RawRelease(_Raw, frozen=True):
    name: str = ""
    namespace: str = ""
    version: int = 0
    info: _RawReleaseInfo = _RawReleaseInfo()
    chart: _RawChart = _RawChart()


class _RawSecretMeta(_Raw, frozen=True):
    uid: str = ""
    name: str = ""
    namespace: str = ""


class _RawSecretData(_Raw, frozen=True):
    release: str | None = None


class _RawListMeta(_Raw, frozen=True):
    continue_: str | None = msgspec.field(default=None, name="continue")


class _RawSecret(_Raw, frozen=True):
    metadata: _RawSecretMeta = _RawSecretMeta()
    data: _RawSecretData = _RawSecretData()


class _RawSecretList(_Raw, frozen=True):
    # Required, as in objects._RawList: a list without it is not an empty one.
    items: list[_RawSecret]
    metadata: _RawListMeta = _RawListMeta()


_SECRET_LIST = msgspec.json.Decoder(_RawSecretList)
_RELEASE = msgspec.json.Decoder(_RawRelease)


class _InvalidHelmRelease(ValueError):
    """The Secret's payload is not a Helm release this code can read."""


def _release_json(secret_data: str) -> bytes:
    try:
        helm_encoded = base64.b64decode(secret_data, validate=True)
        payload = base64.b64decode(helm_encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise _InvalidHelmRelease(f"not base64: {error}") from None
    if not payload.startswith(_GZIP_MAGIC):
        return payload
    inflater = zlib.decompressobj(wbits=31)
    try:
        release_json = inflater.decompress(payload, _MAX_RELEASE_JSON_BYTES)
    except zlib.error as error:
        raise _InvalidHelmRelease(f"not gzip: {error}") from None
    if inflater.unconsumed_tail:
        raise _InvalidHelmRelease("larger than 64 MiB once inflated")
    return release_json


def _release_record(secret: _RawSecret) -> HelmReleaseRecord:
    if not secret.data.release:
        raise _InvalidHelmRelease("no release key")
    try:
        release = _RELEASE.decode(_release_json(secret.data.release))
    except msgspec.DecodeError as error:
        raise _InvalidHelmRelease(f"not a release JSON: {error}") from None
    updated_at = release.info.last_deployed
    return HelmReleaseRecord(
        secret_uid=secret.metadata.uid,
        namespace=release.namespace or secret.metadata.namespace,
        name=release.name,
        revision=release.version,
        chart=release.chart.metadata.name,
        chart_version=release.chart.metadata.version,
        app_version=release.chart.metadata.appVersion,
        status=release.info.status,
        updated_at=updated_at.astimezone(dt.UTC) if updated_at else None,
        description=release.info.description,
    )


def decode_helm_secrets(data: bytes) -> Page[HelmReleaseRecord]:
    """Release records from one page of Helm release Secrets; unreadable ones are logged
    and left out."""
    raw = _SECRET_LIST.decode(data)
    records = []
    for secret in raw.items:
        try:
            records.append(_release_record(secret))
        except _InvalidHelmRelease as error:
            log.warning(
                "skipped Helm release secret %s/%s: %s",
                secret.metadata.namespace,
                secret.metadata.name,
                error,
            )
    return Page(records, raw.metadata.continue_ or None)


def latest_revisions(records: list[HelmReleaseRecord]) -> list[HelmReleaseRecord]:
    """The highest revision of each (namespace, release name), carrying the release's history
    (its newest HISTORY_LIMIT revisions, newest first)."""
    revisions: dict[tuple[str, str], list[HelmReleaseRecord]] = {}
    for record in records:
        revisions.setdefault((record.namespace, record.name), []).append(record)
    latest = []
    for found in revisions.values():
        found.sort(key=lambda record: record.revision, reverse=True)
        history = [
            HelmRevision(
                **{field: getattr(record, field) for field in HelmRevision.__struct_fields__}
            )
            for record in found[:HISTORY_LIMIT]
        ]
        latest.append(msgspec.structs.replace(found[0], history=history))
    return latest
