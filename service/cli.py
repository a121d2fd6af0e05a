"""The ``callcoach`` command: serve, worker, keys (and analyze, from analyzers.cli)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from analyzers.cli import register as register_analysis_commands
from service.config import CONFIG_FILE, ENV_FILE, Settings

if TYPE_CHECKING:
    from service.db.session import Database

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="callcoach: speech-analysis feedback for contact-centre phone calls.",
)
keys_app = typer.Typer(no_args_is_help=True, help="Create, list and revoke API keys.")
app.add_typer(keys_app, name="keys")

# The settings every command reads (service/config.py): these flags, then the
# environment (CALLCOACH_*), then .env and callcoach.toml in the working directory.
DataDirOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional
    typer.Option(
        help=f"data directory (default: CALLCOACH_DATA_DIR, {ENV_FILE} or {CONFIG_FILE} "
        "in this directory, else ./data)"
    ),
]


def _settings(**overrides: Any) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


@contextmanager
def open_database(settings: Settings) -> Iterator[Database]:
    """The configured database, migrated to the current schema, disposed afterwards;
    says on stderr which database it is, so a command can never silently use another."""
    from service.db.migrate import upgrade_to_head
    from service.db.session import Database

    typer.echo(f"database: {settings.database_label}", err=True)
    db = Database(settings.effective_database_url)
    try:
        upgrade_to_head(db.engine)
        yield db
    finally:
        db.dispose()


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    data_dir: DataDirOption = None,
    load_samples: Annotated[
        bool, typer.Option("--load-samples", help="queue sample_audio/*.wav for team 'demo'")
    ] = False,
    workers: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="in-process analysis threads (CALLCOACH_WORKER_CONCURRENCY)"),
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning")] = "info",
) -> None:
    """Run the API with embedded defaults: SQLite, local disk, in-process worker."""
    import uvicorn

    from service.api.app import create_app

    _logging(log_level)
    settings = _settings(data_dir=data_dir, worker_concurrency=workers)
    if load_samples or settings.load_samples:
        _load_samples(settings)
    else:
        typer.echo(f"database: {settings.database_label}", err=True)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )


def _load_samples(settings: Settings) -> None:
    from service.samples import DEMO_TEAM, load_samples
    from service.storage import LocalDiskStorage

    with open_database(settings) as db:
        loaded = load_samples(settings, db, LocalDiskStorage(settings.effective_storage_dir))
    typer.echo(
        f"Sample calls: {len(loaded.queued)} queued, {loaded.already_there} already loaded "
        f"(team {DEMO_TEAM!r}).\nDemo key for team {DEMO_TEAM!r} (upload and read): "
        f"{loaded.demo_key}"
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="analyses at once")] = 1,
    pool: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="celery pool: solo (default for 1), prefork (default for more)"),
    ] = None,
    data_dir: DataDirOption = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning")] = "info",
) -> None:
    """Run a Celery worker (Redis broker at REDIS_URL; database at DATABASE_URL)."""
    from service.jobs.celery_app import run_worker

    _logging(log_level)
    settings = _settings(data_dir=data_dir, queue_backend="celery")
    run_worker(
        settings, concurrency, pool or ("solo" if concurrency == 1 else "prefork"), log_level
    )


@keys_app.command("create")
def keys_create(
    team: Annotated[str, typer.Option(help="team the key belongs to (created if new)")],
    scope: Annotated[
        list[str], typer.Option(help="ingest, read or admin (repeat or comma-separate)")
    ],
    name: Annotated[Optional[str], typer.Option(help="a label")] = None,  # noqa: UP045
    agent: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--agent", help="an agent's key: sees only this agent's calls (read)"),
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Print a new API key (shown once; only its hash is stored)."""
    from service.keys import create_api_key

    try:
        with open_database(_settings(data_dir=data_dir)) as db, db.session() as session:
            new = create_api_key(session, team, scope, name, agent_id=agent)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(new.key)
    agent_note = f", agent {new.agent_id}" if new.agent_id else ""
    typer.echo(
        f"team {new.team}, scopes {' '.join(new.scopes)}{agent_note}, key id {new.key_id}",
        err=True,
    )


@keys_app.command("list")
def keys_list(
    team: Annotated[Optional[str], typer.Option(help="only this team")] = None,  # noqa: UP045
    data_dir: DataDirOption = None,
) -> None:
    """List keys (ids, teams, scopes; never the keys themselves)."""
    from service.keys import list_api_keys

    with open_database(_settings(data_dir=data_dir)) as db, db.session() as session:
        for row in list_api_keys(session, team):
            state = "revoked" if row.revoked_at else "active"
            typer.echo(f"{row.key_id}  {row.team.name}  {row.scopes}  {state}  {row.name or ''}")


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="the key id (cck_<key id>_...)")],
    data_dir: DataDirOption = None,
) -> None:
    """Revoke a key at once."""
    from service.keys import revoke_api_key

    with open_database(_settings(data_dir=data_dir)) as db, db.session() as session:
        revoked = revoke_api_key(session, key_id)
    if not revoked:
        typer.echo(f"error: no active key {key_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")


register_analysis_commands(app)  # `callcoach analyze`, owned by analyzers/cli.py


def main() -> None:
    app()


if __name__ == "__main__":
    main()
