"""Database engine set-up, migrations (Alembic) and the "is it migrated?" check."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from watcher.errors import StoreError

logger = logging.getLogger(__name__)

def _migrations_dir() -> Path:
    """migrations/ of the checkout (editable installs), else the installed watcher.migrations."""
    source = Path(__file__).resolve().parents[2] / "migrations"
    if (source / "env.py").exists():
        return source
    try:
        from importlib.resources import files

        installed = Path(str(files("watcher.migrations")))
    except ModuleNotFoundError:
        return source
    return installed if (installed / "env.py").exists() else source


MIGRATIONS_DIR = _migrations_dir()
PG_MIGRATION_LOCK = 0x5707_2A7C  # advisory lock id held while migrating PostgreSQL


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with safe defaults: SQLite in WAL mode with a busy timeout and foreign keys."""
    url = normalise_url(url)
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    if is_sqlite:
        kwargs.setdefault("connect_args", {"timeout": 30})
    else:
        kwargs.setdefault("pool_pre_ping", True)
        # Database calls run on the daemon's worker threads (16): let each hold a connection.
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits at the end, or rolls back on error.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``: Python's sqlite3 runs a SELECT
    outside any transaction and begins one only at the first write, so a read-then-write (a
    lease claim) would not be atomic and two threads could claim the same rows.
    """
    with factory() as session, session.begin():
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield session


def _alembic_config(url: str) -> Any:
    from alembic.config import Config

    if not (MIGRATIONS_DIR / "env.py").exists():
        raise StoreError(f"migrations not found at {MIGRATIONS_DIR}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def head_revision(url: str) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(url)).get_current_head()
    if head is None:
        raise StoreError("no migration found")
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot reach the database: {exc.__class__.__name__}: {exc}") from exc


def check_migrated(engine: Engine) -> None:
    """Raise StoreError with the command to run when the schema is not at the newest revision."""
    url = engine.url.render_as_string(hide_password=False)
    current, head = current_revision(engine), head_revision(url)
    if current != head:
        raise StoreError(
            f"the database {engine.url.render_as_string(hide_password=True)} is at revision "
            f"{current or 'none (empty)'}, the code needs {head}: run "
            "'watcher db upgrade --config FILE' (or start with 'watcher run --migrate')")


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations; safe to run from several instances at once on PostgreSQL."""
    from alembic import command

    cfg = _alembic_config(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            is_pg = conn.dialect.name == "postgresql"
            if is_pg:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK})
                conn.commit()
            try:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
            finally:
                if is_pg:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK})
                    conn.commit()
    except SQLAlchemyError as exc:
        raise StoreError(f"migration failed: {exc.__class__.__name__}: {exc}") from exc
    finally:
        engine.dispose()


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    cfg = _alembic_config(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()
