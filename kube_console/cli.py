"""`python -m kube_console ...`: the operator's face over the same services the pages use.

Errors go to stderr with exit code 1 (2 for bad usage, from typer).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import typer

from kube_console.db import session_scope
from kube_console.errors import Conflict, ValidationFailed
from kube_console.formatting import counted
from kube_console.security.authz import Action, AuthContext, Forbidden, NotFound, authorize
from kube_console.settings import SettingsError, get_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="kube-console administration.")
users_app = typer.Typer(no_args_is_help=True, help="Manage users.")
token_app = typer.Typer(no_args_is_help=True, help="Manage API tokens.")
keys_app = typer.Typer(no_args_is_help=True, help="Manage the credential encryption keys.")
app.add_typer(users_app, name="users")
app.add_typer(token_app, name="api-token")
app.add_typer(keys_app, name="keys")


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@contextlib.contextmanager
def plain_errors() -> Iterator[None]:
    """Turn the services' refusals into one line on stderr and exit code 1."""
    try:
        yield
    except (ValidationFailed, Conflict, Forbidden, NotFound) as exc:
        fail(str(exc))


def _read_password(prompt: bool) -> str:
    """The password from stdin when piped, else an interactive hidden prompt."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    if not prompt:
        fail("pipe the password on stdin")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _cli_context(session, email: str) -> AuthContext:
    """Act as the named user, so the CLI obeys the same policy as the pages (call it inside
    `plain_errors()`: an unknown or disabled user is a NotFound)."""
    from kube_console.services.auth import context_for_email

    return context_for_email(session=session, email=email, via="cli")


@app.callback()
def _check_settings() -> None:
    try:
        get_settings()
    except SettingsError as exc:
        fail(str(exc))


@app.command()
def migrate() -> None:
    """Apply the database migrations (safe to run again)."""
    from kube_console.migrations import migrate as migrate_database

    typer.echo(migrate_database(get_settings().database_url).summary())


@app.command("create-admin")
def create_admin(
    org: str = typer.Option(..., help="Organization name; created when it does not exist."),
    email: str = typer.Option(...),
    name: str = typer.Option("", help="Display name."),
) -> None:
    """Create an admin (and the organization if new). The password comes from stdin or a prompt."""
    from kube_console.services import users

    password = _read_password(prompt=True)
    with plain_errors(), session_scope() as session:
        organization = users.ensure_org(session=session, name=org)
        assert organization.id is not None
        org_name = organization.name
        row = users.create_user(
            session=session,
            org_id=organization.id,
            email=email,
            password=password,
            role="admin",
            display_name=name,
        )
    typer.echo(f"created admin {row.email} in organization {org_name!r}")


@users_app.command("create")
def users_create(
    email: str = typer.Option(...),
    as_admin: str = typer.Option(..., "--as", help="E-mail of the admin doing this."),
    role: str = typer.Option("member", help="admin or member"),
    name: str = typer.Option("", help="Display name."),
    temporary: bool = typer.Option(
        False, "--temporary", help="The user must change the password at first sign-in."
    ),
) -> None:
    """Create a user in the acting admin's organization. The password comes from stdin or a prompt."""
    from kube_console.services import users

    password = _read_password(prompt=True)
    with plain_errors(), session_scope() as session:
        ctx = authorize(_cli_context(session, as_admin), Action.MANAGE_USERS)
        row = users.create_user(
            session=session,
            org_id=ctx.org_id,
            email=email,
            password=password,
            role=role,
            display_name=name,
            temporary_password=temporary,
        )
    typer.echo(
        f"created {row.role} {row.email}"
        + (" (to change the password at first sign-in)" if temporary else "")
    )


@token_app.command("create")
def api_token_create(
    email: str = typer.Option(..., help="The user the token acts as."),
    name: str = typer.Option(..., help="What the token is for."),
    role: str = typer.Option("read", help="read or admin (never above the user's role)"),
) -> None:
    """Create an API token and print it once."""
    from kube_console.services import tokens

    with plain_errors(), session_scope() as session:
        ctx = authorize(_cli_context(session, email), Action.MANAGE_OWN_ACCOUNT)
        new = tokens.create_token(
            session=session, org_id=ctx.org_id, user_id=ctx.user_id, name=name, role=role
        )
    typer.echo(new.token)
    typer.echo(
        f"(shown once; {new.row.role} token {new.row.name!r}, prefix {new.row.prefix})", err=True
    )


@keys_app.command("generate")
def keys_generate(
    key_id: str = typer.Option("k1", "--id", help="The id to prefix the key with."),
) -> None:
    """Print a new key entry for KUBE_CONSOLE_ENCRYPTION_KEYS."""
    from kube_console.security.keyring import generate_key

    typer.echo(f"{key_id}:{generate_key()}")


@keys_app.command("rotate")
def keys_rotate(batch_size: int = typer.Option(100, min=1, max=10000)) -> None:
    """Re-encrypt every stored credential under the primary key, in batches (safe to interrupt)."""
    from kube_console.security.keyring import KeyringUnavailable, get_keyring
    from kube_console.services.credentials import credentials_by_key, rotate_batch

    try:
        keyring = get_keyring()
    except KeyringUnavailable as exc:
        fail(str(exc))
    moved = 0
    while True:
        with session_scope() as session:
            batch = rotate_batch(session=session, keyring=keyring, batch_size=batch_size)
        moved += batch
        if batch:
            typer.echo(f"re-encrypted {moved} credential(s) so far")
        if batch < batch_size:
            break
    with session_scope() as session:
        counts = credentials_by_key(session=session)
    older = sum(count for key_id, count in counts.items() if key_id != keyring.primary_id)
    typer.echo(
        f"done: {moved} re-encrypted; {counts.get(keyring.primary_id, 0)} on primary key "
        f"'{keyring.primary_id}'; {older} still on an older key"
    )
    if older:
        raise typer.Exit(1)


@keys_app.command("ensure-local")
def keys_ensure_local(env_file: Path = typer.Option(Path(".env"))) -> None:
    """For a first local run: create a key in .env (mode 0600) unless one is configured."""
    from kube_console.security.keyring import generate_key

    if os.environ.get("KUBE_CONSOLE_ENCRYPTION_KEYS"):
        return
    existing = env_file.read_text() if env_file.exists() else ""
    if any(line.startswith("KUBE_CONSOLE_ENCRYPTION_KEYS=") for line in existing.splitlines()):
        return
    separator = "" if not existing or existing.endswith("\n") else "\n"
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(f"{separator}KUBE_CONSOLE_ENCRYPTION_KEYS=k1:{generate_key()}\n")
    env_file.chmod(0o600)
    typer.echo(
        f"Created an encryption key for this first local run in {env_file} (mode 0600). "
        "Back it up: credentials stored with it can't be read without it."
    )


cluster_app = typer.Typer(no_args_is_help=True, help="Manage clusters.")
app.add_typer(cluster_app, name="cluster")


def _operator_context(org_name: str) -> AuthContext:
    """The operator at the shell acts as an admin of the organization they name."""
    from kube_console.services.users import org_by_name

    with plain_errors(), session_scope() as session:
        org = org_by_name(session=session, name=org_name)
    assert org.id is not None
    return AuthContext(user_id=0, org_id=org.id, role="admin", email="cli", via="cli")


def _keyring_or_fail():
    from kube_console.security.keyring import KeyringUnavailable, get_keyring

    try:
        return get_keyring()
    except KeyringUnavailable as exc:
        fail(str(exc))


@cluster_app.command("add")
def cluster_add(
    org: str = typer.Option(..., help="Organization name."),
    name: str = typer.Option(..., help="Cluster name, unique in the organization."),
    kubeconfig: Path = typer.Option(
        ..., exists=True, dir_okay=False, readable=True, help="Kubeconfig file."
    ),
    context: str = typer.Option("", help="Context to use (default: current-context)."),
    environment: str = typer.Option(
        "production",
        help="production, staging, development, test or other (prod, stage, uat, dev and qa are read as those)",
    ),
    acknowledge_insecure_tls: bool = typer.Option(
        False, help="Accept insecure-skip-tls-verify: true."
    ),
) -> None:
    """Register a cluster: validate, connect, detect, check permissions, save, first sync."""
    from kube_console.services.clusters import ConnectionFailed, register_cluster

    ctx = authorize(_operator_context(org), Action.MANAGE_CLUSTERS)
    keyring = _keyring_or_fail()
    try:
        with plain_errors():
            card, _outcome = register_cluster(
                open_session=session_scope,
                org_id=ctx.org_id,
                name=name,
                environment=environment,
                kubeconfig=kubeconfig.read_text(),
                context=context or None,
                acknowledge_insecure_tls=acknowledge_insecure_tls,
                keyring=keyring,
                settings=get_settings(),
            )
    except ConnectionFailed as exc:
        fail(str(exc))
    typer.echo(
        f"registered {card.name} (id {card.id}): {card.provider_name} {card.version}, "
        f"{counted(card.node_count, 'node')}, {counted(card.namespace_count, 'namespace')}, "
        f"{counted(card.pod_count, 'pod')}; status {card.status}"
    )
    for warning in card.permission_warnings:
        typer.echo(f"warning: {warning}", err=True)


_stop_syncing = threading.Event()


def _wait_for_next_round(seconds: float) -> bool:
    """Wait for the next round of `sync`; True once Ctrl-C (or SIGTERM) asked it to stop."""
    return _stop_syncing.wait(seconds)


@app.command()
def sync(
    once: bool = typer.Option(
        False, "--once", help="Sync once and exit (default: every interval until Ctrl-C)."
    ),
    cluster: int | None = typer.Option(None, "--cluster", help="Only this cluster id."),
) -> None:
    """Sync every cluster (or one) in this process, as a worker would (but those a worker is
    syncing right now), and print a line per cluster; again every sync interval until Ctrl-C,
    or once with --once."""
    import datetime as dt
    import signal

    from kube_console.services.sync_scheduling import cluster_syncer
    from kube_console.workers.leader import process_name

    settings = get_settings()
    interval = dt.timedelta(seconds=settings.sync_interval_seconds)
    sync_one = cluster_syncer(
        keyring=_keyring_or_fail(), settings=settings, open_session=session_scope
    )
    owner = process_name()
    if not once:
        _stop_syncing.clear()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: _stop_syncing.set())
        typer.echo(f"syncing every {settings.sync_interval_seconds} s; Ctrl-C to stop")
    while True:
        outcomes = _sync_round(owner=owner, cluster=cluster, interval=interval, sync_one=sync_one)
        if not outcomes:
            typer.echo("no cluster is due for a sync")
        for outcome in outcomes:
            detail = f"{outcome.pods} pods" if outcome.ok else outcome.error
            typer.echo(
                f"{outcome.cluster_name:<30} {outcome.status:<12} {outcome.duration_ms:>8.0f} ms  {detail}"
            )
        if once or _wait_for_next_round(settings.sync_interval_seconds):
            break
    if once and any(not outcome.ok for outcome in outcomes):
        raise typer.Exit(1)


def _sync_round(*, owner: str, cluster: int | None, interval, sync_one) -> list:
    """One round of `sync`: every cluster, or the one asked for."""
    from kube_console.clock import utcnow
    from kube_console.services.sync_scheduling import claim_cluster, run_claimed
    from kube_console.workers import sync_job

    settings = get_settings()
    if cluster is None:
        return sync_job.sync_all_once(
            owner=owner,
            threads=settings.sync_threads,
            interval=interval,
            open_session=session_scope,
            sync_one=sync_one,
        )
    started = utcnow()
    with session_scope() as session:
        claimed = claim_cluster(session=session, owner=owner, cluster_id=cluster, now=started)
    if not claimed:
        fail(f"cluster {cluster} is being synced by a worker right now")
    return [
        run_claimed(
            cluster_id=cluster,
            owner=owner,
            started=started,
            interval=interval,
            open_session=session_scope,
            sync_one=sync_one,
        )
    ]


@app.command()
def worker() -> None:
    """Run workers in this process: cluster syncs shared with every other worker process, and
    the hourly jobs when elected leader (pair with KUBE_CONSOLE_RUN_WORKERS=0 on web processes)."""
    import signal
    import threading

    from kube_console.workers.scheduler import ConsoleScheduler

    scheduler = ConsoleScheduler(settings=get_settings(), keyring=_keyring_or_fail())
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    scheduler.start()
    typer.echo(f"worker {scheduler.process} running; Ctrl-C to stop")
    stop.wait()
    scheduler.shutdown()


workers_app = typer.Typer(no_args_is_help=True, help="The worker processes.")
app.add_typer(workers_app, name="workers")


@workers_app.command("status")
def workers_status() -> None:
    """The whole fleet's syncs and every worker process, across organizations (operator only:
    the Workers page shows an org admin their own clusters)."""
    from kube_console.services.workers import fleet_status

    settings = get_settings()
    with session_scope() as session:
        fleet = fleet_status(session=session, sync_interval_seconds=settings.sync_interval_seconds)
    typer.echo(
        f"clusters {fleet.clusters}: {fleet.syncing_now} syncing now, {fleet.due_now} due and waiting, "
        f"{fleet.late} late by more than {settings.sync_interval_seconds} s"
    )
    if not fleet.processes:
        typer.echo("no worker process has reported in the last hour")
    for process in fleet.processes:
        state = "alive" if process.name in fleet.alive else "silent"
        role = "leader" if process.leader and state == "alive" else "worker"
        age = (fleet.now - process.heartbeat_at).total_seconds()
        jobs = ", ".join(
            f"{job} {stats.get('runs', 0)} runs/{stats.get('failed', 0)} failed"
            for job, stats in sorted(process.stats.items())
        )
        typer.echo(
            f"{process.name:<40} {role:<6} {state:<6} heartbeat {age:>5.0f} s ago  "
            f"threads {process.sync_threads}  running {process.syncs_running}  "
            f"claimed {process.clusters_claimed}  failed {process.syncs_failed}  "
            f"clusters synced here last {fleet.held_by.get(process.name, 0)}"
            + (f"  ({jobs})" if role == "leader" else "")
        )


costs_app = typer.Typer(no_args_is_help=True, help="Compute costs.")
app.add_typer(costs_app, name="costs")


@costs_app.command("compute")
def costs_compute(
    cluster: int | None = typer.Option(None, "--cluster", help="Only this cluster id."),
    start: str = typer.Option(
        "", "--from", help="Recompute from this UTC time (default: each cluster's watermark)."
    ),
    end: str = typer.Option(
        "", "--to", help="Stop before this UTC time (default: the last closed hour)."
    ),
) -> None:
    """Compute the closed hours now, as the hourly job does, and print what was done per cluster."""
    import time

    from kube_console.clock import utcnow
    from kube_console.costs.engine import open_hour, open_hour_note, run_cost_pass
    from kube_console.costs.math import parse_utc_time
    from kube_console.services.workers import record_cost_runs
    from kube_console.workers.leader import process_name

    try:
        start_at, end_at = (parse_utc_time(value) if value else None for value in (start, end))
    except ValueError:
        fail(
            "--from and --to take an ISO 8601 date or time, such as 2026-11-01 or 2026-11-01T06:00Z"
        )
    hour = open_hour()  # one clock reading for the checks and the run
    for option, moment in (("--from", start_at), ("--to", end_at)):
        # --to may end where the open hour starts; --from must start before it.
        if moment is not None and (moment > hour if option == "--to" else moment >= hour):
            fail(
                f"{option} {moment:%Y-%m-%dT%H:%MZ} is inside the open hour: {open_hour_note(hour)}"
            )
    started, started_at = time.perf_counter(), utcnow()
    outcomes = run_cost_pass(
        open_session=session_scope,
        settings=get_settings(),
        now=hour,
        cluster_ids=[cluster] if cluster is not None else None,
        start=start_at,
        end=end_at,
    )
    with session_scope() as session:  # on the Workers page, as the hourly job's runs are
        record_cost_runs(
            session=session,
            outcomes=outcomes,
            trigger="cli",
            process=process_name(),
            started_at=started_at,
        )
    if cluster is not None and not outcomes:
        fail(f"no cluster with id {cluster}")
    for outcome in outcomes:
        detail = outcome.error or (
            f"computed until {outcome.computed_until}" if outcome.computed_until else ""
        )
        typer.echo(
            f"{outcome.cluster_name:<30} {outcome.hours_computed:>6} hours {outcome.rows_written:>9} rows "
            f"{outcome.duration_ms:>9.0f} ms  {detail}"
        )
    typer.echo(
        f"{len(outcomes)} cluster(s): {sum(o.hours_computed for o in outcomes)} hours, "
        f"{sum(o.rows_written for o in outcomes)} rows in {time.perf_counter() - started:.1f} s"
    )
    if outcomes and not any(outcome.hours_computed or not outcome.ok for outcome in outcomes):
        typer.echo(f"Nothing computed: no closed hour is waiting; {open_hour_note(hour)}.")
    if any(not outcome.ok for outcome in outcomes):
        raise typer.Exit(1)
