"""Alembic environment: the console's SQLModel metadata, on the URL the settings name."""

from alembic import context
from sqlmodel import SQLModel

import kube_console.models  # noqa: F401  (registers every table on SQLModel.metadata)
from kube_console.db import make_unpooled_engine
from kube_console.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


# Alembic cannot compare expression indexes; this one is created by hand in 0001.
HAND_WRITTEN_INDEXES = {"ix_pods_name_prefix"}


def _include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "index" and name in HAND_WRITTEN_INDEXES)


def _url() -> str:
    return config.attributes.get("url") or get_settings().database_url


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    if (connection := config.attributes.get("connection")) is not None:
        _run_on(connection)
        return
    with make_unpooled_engine(_url()).connect() as connection:
        _run_on(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
