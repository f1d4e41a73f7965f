"""Registering, editing, listing and deleting clusters: one flow behind the form, the CLI and the API.

Registration: validate the kubeconfig strictly (kube/intake.py) → connect → detect version
and provider → check permissions (warn, never block) → refuse a cluster the organization has
registered already (services/cluster_identity.py) → save the credential encrypted → store the
snapshot fetched while checking as the first sync (the cluster is read once).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import ssl
from typing import TypeVar

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col

from kube_console.db import utcnow
from kube_console.errors import Conflict, FieldError, ValidationFailed
from kube_console.kube.client import (
    InvalidClientCredentials,
    ServerAddressRefused,
    build_api_client,
)
from kube_console.kube.credentials import ClusterCredentials
from kube_console.kube.fetch import (
    ClusterAuthFailed,
    ClusterFetchError,
    check_permissions,
    fetch_snapshot,
)
from kube_console.kube.intake import (
    AddressPolicy,
    KubeconfigRejected,
    console_address_policy,
    list_contexts,
    parse_kubeconfig,
)
from kube_console.kube.objects import ClusterSnapshot
from kube_console.kube.provider import detect_provider, parse_version
from kube_console.models import (
    ENVIRONMENTS,
    FAILED_SYNC_STATUSES,
    Cluster,
    CostHourly,
    HelmRelease,
    Namespace,
    NamespaceUsageSample,
    Node,
    Organization,
    PersistentVolumeClaim,
    Pod,
    Workload,
)
from kube_console.security.keyring import Keyring
from kube_console.services.cluster_identity import (
    IDENTITY_COLUMNS,
    Identity,
    duplicates,
    endpoint_fingerprint,
    kube_system_uid,
    other_registrations,
    registered_as,
)
from kube_console.services.cluster_records import ClusterCard, ConnectionReport, DeletionPreview
from kube_console.services.credentials import store_credential
from kube_console.services.inventory import LabelKeys
from kube_console.services.org_scope import owned_cluster
from kube_console.services.sessions import OpenSession, open_app_session
from kube_console.services.sync import SyncOutcome, sync_cluster
from kube_console.settings import Settings

log = logging.getLogger(__name__)
E = TypeVar("E", bound=BaseException)

NAME_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$")

# The short forms people type for an environment, read as the canonical name (ENVIRONMENTS).
# UAT (user acceptance) runs on a production-like, pre-production cluster: staging. QA runs
# the test suites: test.
ENVIRONMENT_SHORT_FORMS = {
    "prod": "production",
    "prd": "production",
    "live": "production",
    "stage": "staging",
    "stg": "staging",
    "preprod": "staging",
    "pre-prod": "staging",
    "uat": "staging",
    "dev": "development",
    "develop": "development",
    "qa": "test",
    "tst": "test",
    "testing": "test",
}


def canonical_environment(name: str) -> str:
    """The canonical environment a name stands for (`prod` → production); a name that is no
    known form comes back trimmed and lower-cased, for validation to refuse."""
    name = name.strip().lower()
    return ENVIRONMENT_SHORT_FORMS.get(name, name)


class ConnectionFailed(Exception):
    """The kubeconfig is acceptable but the cluster could not be reached or refused it."""


class DuplicateCluster(Conflict):
    """The kubeconfig reaches a cluster the organization has registered already."""


@dataclasses.dataclass(frozen=True)
class CheckedCluster:
    """A kubeconfig that passed intake and answered: what registration stores and shows."""

    credentials: ClusterCredentials
    snapshot: ClusterSnapshot
    report: ConnectionReport


def label_keys(settings: Settings) -> LabelKeys:
    return LabelKeys(
        team=settings.team_label_keys,
        cost_center=settings.cost_center_label_keys,
    )


def contexts_in(kubeconfig: str) -> tuple[list[str], str | None]:
    """The contexts a pasted kubeconfig offers, for the form's picker."""
    try:
        return list_contexts(kubeconfig)
    except KubeconfigRejected as rejected:
        raise _as_validation(rejected) from None


def _as_validation(rejected: KubeconfigRejected) -> ValidationFailed:
    return ValidationFailed(
        [FieldError(f"kubeconfig.{error.field}", error.message) for error in rejected.errors]
    )


def _parsed(
    kubeconfig: str,
    *,
    context: str | None,
    acknowledge_insecure_tls: bool,
    address_policy: AddressPolicy,
) -> ClusterCredentials:
    try:
        return parse_kubeconfig(
            kubeconfig,
            context=context or None,
            acknowledge_insecure_tls=acknowledge_insecure_tls,
            address_policy=address_policy,
        )
    except KubeconfigRejected as rejected:
        raise _as_validation(rejected) from None


def check_kubeconfig(
    *, kubeconfig: str, context: str | None, acknowledge_insecure_tls: bool, settings: Settings
) -> CheckedCluster:
    """Validate, connect, detect and check permissions; nothing is stored."""
    address_policy = console_address_policy(settings)
    credentials = _parsed(
        kubeconfig,
        context=context,
        acknowledge_insecure_tls=acknowledge_insecure_tls,
        address_policy=address_policy,
    )
    return _check_credentials(credentials, address_policy=address_policy)


def _check_credentials(
    credentials: ClusterCredentials, *, address_policy: AddressPolicy
) -> CheckedCluster:
    """Connect with credentials the intake accepted: the address is checked again at the
    connection (names may resolve elsewhere by then), never trusted from the intake."""
    try:
        api_client = build_api_client(credentials, address_policy=address_policy)
    except InvalidClientCredentials as invalid:
        raise ValidationFailed.one("kubeconfig", str(invalid)) from None
    try:
        snapshot = fetch_snapshot(api_client)
        permissions = check_permissions(api_client)
    except ClusterFetchError as failure:
        raise ConnectionFailed(
            _connection_failure_message(credentials.server_host, failure)
        ) from None
    finally:
        api_client.close()
    version = parse_version(snapshot.version)
    provider = detect_provider(
        git_version=version.git_version,
        nodes=snapshot.nodes or [],
        api_groups=snapshot.api_groups,
        namespaces=[ns.name for ns in snapshot.namespaces or ()],
    )
    summary = credentials.summary()
    expires = summary.certificate_expires_at
    report = ConnectionReport(
        server_host=summary.server_host,
        user_name=summary.user_name,
        credential_kind=summary.credential_kind,
        certificate_expires_at=expires.isoformat() if expires else "",
        version=version.git_version,
        provider=provider.key,
        provider_name=provider.display_name,
        node_count=len(snapshot.nodes or ()),
        namespace_count=len(snapshot.namespaces or ()),
        pod_count=len(snapshot.pods or ()),
        metrics_available=snapshot.metrics_available,
        insecure_tls=credentials.insecure_skip_tls_verify,
        warnings=[
            *permissions.warnings,
            *[f"{kind}: {text}" for kind, text in sorted(snapshot.errors.items())],
        ],
    )
    return CheckedCluster(credentials=credentials, snapshot=snapshot, report=report)


def _connection_failure_message(host: str, failure: ClusterFetchError) -> str:
    """What the admin is told when the cluster could not be reached.

    Whether a connection was refused, timed out or met something that is not TLS tells
    who is listening where on the console's network: registering would scan it. So all of
    those get one message, and the detail goes to the server log only. What stays specific
    tells nothing about the network: the server answered TLS with a certificate the
    credential does not trust, or refused the credential (401/403), or the console's own
    address policy refused the address."""
    log.warning("registration: could not connect to the API server at %s: %s", host, failure)
    if isinstance(failure, ClusterAuthFailed):
        return f"The API server at {host} refused the credential: {failure}."
    untrusted = _cause(failure, ssl.SSLCertVerificationError)
    if untrusted is not None:
        return (
            f"The API server at {host} presented a TLS certificate the credential does not "
            f"trust ({untrusted.verify_message}): check certificate-authority-data, and "
            "tls-server-name if the certificate names another host."
        )
    refused = _cause(failure, ServerAddressRefused)
    if refused is not None:
        return f"The console will not connect: {refused}."
    return (
        f"The console could not connect to the API server at {host}: check the address, "
        "and that the console's network reaches it."
    )


def _cause(error: BaseException, kind: type[E]) -> E | None:
    """The first exception of `kind` in the chain that led to `error`."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        # urllib3 keeps the ssl error as an argument of its own SSLError, not as a cause.
        pending.extend(arg for arg in current.args if isinstance(arg, BaseException))
        pending.extend(
            link for link in (current.__cause__, current.__context__) if link is not None
        )
    return None


def _identity(checked: CheckedCluster) -> Identity:
    return Identity(kube_system_uid(checked.snapshot), endpoint_fingerprint(checked.credentials))


def _refuse_a_second_registration(
    session: Session, *, org_id: int, checked: CheckedCluster, except_id: int | None = None
) -> None:
    # Registrations of one org wait for each other here (PostgreSQL; SQLite writes one at a
    # time anyway), so two at once can't both find the cluster not registered yet.
    session.execute(
        select(col(Organization.id)).where(col(Organization.id) == org_id).with_for_update()
    )
    found = registered_as(session, org_id=org_id, identity=_identity(checked), except_id=except_id)
    if found is not None:
        name, shared = found
        raise DuplicateCluster(
            f"This cluster is already registered as {name} in your organization ({shared}): "
            "registered twice, its costs would be counted twice."
        )


def _identity_problems(name: str, environment: str) -> list[FieldError]:
    errors = []
    if not NAME_PATTERN.match(name):
        errors.append(
            FieldError(
                "name",
                "Use 1 to 63 lower-case letters, digits, '-', '_' or '.', starting and ending with a letter or digit.",
            )
        )
    if environment not in ENVIRONMENTS:
        errors.append(
            FieldError(
                "environment",
                f"Choose one of: {', '.join(ENVIRONMENTS)} (or prod, stage, uat, dev, qa).",
            )
        )
    return errors


def validate_registration(
    *,
    open_session: OpenSession = open_app_session,
    org_id: int,
    name: str,
    environment: str,
    kubeconfig: str | None,
    context: str | None,
    acknowledge_insecure_tls: bool,
    settings: Settings,
    except_id: int | None = None,
) -> tuple[str, str, ClusterCredentials | None]:
    """Every check of a registration (or an edit) that needs no network, all at once: the
    name, the environment, the name being free, and the kubeconfig's fields (None: no new
    kubeconfig). Raises ValidationFailed naming every field that is wrong; else the
    canonical (name, environment) and the accepted credentials, parsed (and their server
    resolved) once. Test connection and Register both start with it."""
    name, environment = name.strip().lower(), canonical_environment(environment)
    errors = _identity_problems(name, environment)
    if not errors:
        with open_session() as session:
            if _name_taken(session, org_id=org_id, name=name, except_id=except_id):
                errors.append(
                    FieldError(
                        "name", "A cluster with this name already exists in your organization."
                    )
                )
    credentials = None
    if kubeconfig is not None:
        try:
            credentials = _parsed(
                kubeconfig,
                context=context,
                acknowledge_insecure_tls=acknowledge_insecure_tls,
                address_policy=console_address_policy(settings),
            )
        except ValidationFailed as rejected:
            errors.extend(rejected.errors)
    if errors:
        raise ValidationFailed(errors)
    return name, environment, credentials


def check_registration(
    *,
    open_session: OpenSession = open_app_session,
    org_id: int,
    name: str,
    environment: str,
    kubeconfig: str,
    context: str | None,
    acknowledge_insecure_tls: bool,
    settings: Settings,
) -> tuple[str, str, CheckedCluster]:
    """Test connection, and the start of Register: every offline check at once, then connect
    and check; nothing is stored. The canonical (name, environment) and what was checked."""
    name, environment, credentials = validate_registration(
        open_session=open_session,
        org_id=org_id,
        name=name,
        environment=environment,
        kubeconfig=kubeconfig,
        context=context,
        acknowledge_insecure_tls=acknowledge_insecure_tls,
        settings=settings,
    )
    assert credentials is not None  # a kubeconfig was given
    checked = _check_credentials(credentials, address_policy=console_address_policy(settings))
    return name, environment, checked


def _name_taken(session: Session, *, org_id: int, name: str, except_id: int | None = None) -> bool:
    query = select(col(Cluster.id)).where(col(Cluster.org_id) == org_id, col(Cluster.name) == name)
    if except_id is not None:
        query = query.where(col(Cluster.id) != except_id)
    return session.execute(query).first() is not None


def register_cluster(
    *,
    open_session: OpenSession = open_app_session,
    org_id: int,
    name: str,
    environment: str,
    kubeconfig: str,
    context: str | None,
    acknowledge_insecure_tls: bool,
    keyring: Keyring,
    settings: Settings,
) -> tuple[ClusterCard, SyncOutcome]:
    name, environment, checked = check_registration(
        open_session=open_session,
        org_id=org_id,
        name=name,
        environment=environment,
        kubeconfig=kubeconfig,
        context=context,
        acknowledge_insecure_tls=acknowledge_insecure_tls,
        settings=settings,
    )
    try:
        with open_session() as session:
            _refuse_a_second_registration(session, org_id=org_id, checked=checked)
            cluster = Cluster(
                org_id=org_id,
                name=name,
                environment=environment,
                provider=checked.report.provider,
                provider_name=checked.report.provider_name,
                version=checked.report.version,
                permission_warnings=checked.report.warnings,
                kube_system_uid=kube_system_uid(checked.snapshot),
            )
            session.add(cluster)
            session.flush()
            store_credential(cluster=cluster, credentials=checked.credentials, keyring=keyring)
            session.add(cluster)
            assert cluster.id is not None
            cluster_id = cluster.id
    except IntegrityError:
        raise ValidationFailed.one(
            "name", "A cluster with this name already exists in your organization."
        ) from None
    outcome = sync_cluster(
        cluster_id=cluster_id,
        keyring=keyring,
        label_keys=label_keys(settings),
        open_session=open_session,
        snapshot=checked.snapshot,
        sync_interval_seconds=settings.sync_interval_seconds,
    )
    with open_session() as session:
        return get_cluster(session=session, org_id=org_id, cluster_id=cluster_id), outcome


def update_cluster(
    *,
    open_session: OpenSession = open_app_session,
    org_id: int,
    cluster_id: int,
    name: str | None,
    environment: str | None,
    kubeconfig: str | None,
    context: str | None,
    acknowledge_insecure_tls: bool,
    keyring: Keyring | None,
    settings: Settings,
) -> ClusterCard:
    """Rename, move environment, and optionally replace the credential (validated and tested
    again). A name or environment of None keeps the current one; `keyring` is needed only to
    store a new credential."""
    with open_session() as session:
        current = owned_cluster(session, org_id=org_id, cluster_id=cluster_id)
        name = current.name if name is None else name
        environment = current.environment if environment is None else environment
    name, environment, credentials = validate_registration(
        open_session=open_session,
        org_id=org_id,
        name=name,
        environment=environment,
        kubeconfig=kubeconfig if kubeconfig and kubeconfig.strip() else None,
        context=context,
        acknowledge_insecure_tls=acknowledge_insecure_tls,
        settings=settings,
        except_id=cluster_id,
    )
    checked = None
    if credentials is not None:
        checked = _check_credentials(credentials, address_policy=console_address_policy(settings))
    with open_session() as session:
        cluster = owned_cluster(session, org_id=org_id, cluster_id=cluster_id)
        if checked is not None:
            _refuse_a_second_registration(
                session, org_id=org_id, checked=checked, except_id=cluster_id
            )
        cluster.name, cluster.environment, cluster.updated_at = name, environment, utcnow()
        if checked is not None:
            cluster.kube_system_uid = kube_system_uid(checked.snapshot)
            assert keyring is not None, "a new credential needs the keyring"
            store_credential(cluster=cluster, credentials=checked.credentials, keyring=keyring)
            cluster.permission_warnings = checked.report.warnings
            cluster.consecutive_auth_failures, cluster.backoff_until = 0, None
        session.add(cluster)
        session.flush()
        return _card(cluster, other_registrations(session, cluster))


def deletion_preview(*, session: Session, org_id: int, cluster_id: int) -> DeletionPreview:
    """What deleting a cluster removes, for the confirmation dialog."""
    cluster = owned_cluster(session, org_id=org_id, cluster_id=cluster_id)

    def count(model: type[SQLModel]) -> int:
        return int(
            session.execute(
                select(func.count())
                .select_from(model)
                .where(inspect(model).columns["cluster_id"] == cluster_id)
            ).scalar_one()
        )

    assert cluster.id is not None
    return DeletionPreview(
        cluster_id=cluster.id,
        name=cluster.name,
        namespaces=count(Namespace),
        nodes=count(Node),
        workloads=count(Workload),
        pods=count(Pod),
        pvcs=count(PersistentVolumeClaim),
        helm_releases=count(HelmRelease),
        usage_samples=count(NamespaceUsageSample),
        cost_rows=count(CostHourly),
    )


def delete_cluster(*, session: Session, org_id: int, cluster_id: int) -> None:
    """Delete the cluster; its credential goes with the row and every synced row cascades."""
    cluster = owned_cluster(session, org_id=org_id, cluster_id=cluster_id)
    session.delete(cluster)


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def data_is_stale(*, status: str, last_success_at: object) -> bool:
    """The last sync failed, so what is shown is the inventory of the last success."""
    return status in FAILED_SYNC_STATUSES and bool(last_success_at)


def _card(cluster: Cluster, duplicate_of: list[str]) -> ClusterCard:
    assert cluster.id is not None
    return ClusterCard(
        id=cluster.id,
        name=cluster.name,
        environment=cluster.environment,
        provider=cluster.provider,
        provider_name=cluster.provider_name or cluster.provider,
        version=cluster.version,
        status=cluster.status,
        node_count=cluster.node_count,
        ready_node_count=cluster.ready_node_count,
        namespace_count=cluster.namespace_count,
        pod_count=cluster.pod_count,
        running_pod_count=cluster.running_pod_count,
        last_sync_at=_iso(cluster.last_sync_at),
        last_success_at=_iso(cluster.last_success_at),
        last_sync_duration_ms=cluster.last_sync_duration_ms or 0.0,
        last_error=cluster.last_error or "",
        api_latency_ms=cluster.api_latency_ms or 0.0,
        metrics_available=cluster.metrics_available,
        insecure_tls=cluster.insecure_tls_acknowledged,
        server_host=cluster.server_host,
        credential_user=cluster.credential_user,
        credential_kind=cluster.credential_kind,
        certificate_expires_at=_iso(cluster.certificate_expires_at),
        permission_warnings=list(cluster.permission_warnings or []),
        backoff_until=_iso(cluster.backoff_until),
        data_stale=data_is_stale(status=cluster.status, last_success_at=cluster.last_success_at),
        duplicate_of=", ".join(duplicate_of),
    )


def get_cluster(*, session: Session, org_id: int, cluster_id: int) -> ClusterCard:
    cluster = owned_cluster(session, org_id=org_id, cluster_id=cluster_id)
    return _card(cluster, other_registrations(session, cluster))


def list_clusters(
    *,
    session: Session,
    org_id: int,
    status: str | None = None,
    environment: str | None = None,
    provider: str | None = None,
) -> list[ClusterCard]:
    query = select(Cluster).where(col(Cluster.org_id) == org_id)
    if status:
        query = query.where(col(Cluster.status) == status)
    if environment:
        query = query.where(col(Cluster.environment) == canonical_environment(environment))
    if provider:
        query = query.where(col(Cluster.provider) == provider)
    clusters = session.execute(query.order_by(col(Cluster.name))).scalars().all()
    # Against every cluster of the org: the other registration may be filtered out of this list.
    org_clusters = select(*IDENTITY_COLUMNS).where(col(Cluster.org_id) == org_id)
    same = duplicates(session.execute(org_clusters)) if clusters else {}
    return [_card(cluster, same.get(cluster.id, [])) for cluster in clusters]
