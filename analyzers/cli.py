"""``callcoach analyze``: one call in, a readable report (or JSON) out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from analyzers.clock import clock
from analyzers.errors import AnalysisError
from analyzers.options import AGENT_CHANNEL_HELP, AnalysisOptions, CallMetadata

if TYPE_CHECKING:  # rich and the report model load only when a command runs
    from rich.console import Console

    from analyzers.options import AnalysisOptions, CallMetadata
    from analyzers.report import Report

_SEVERITY_STYLE = {"info": "cyan", "warning": "yellow", "critical": "bold red"}
_STATUS_STYLE = {"ok": "green", "warning": "yellow", "critical": "bold red", "unmeasured": "dim"}


def render_report(report: Report, console: Console) -> None:
    """Print the metrics table and the findings in time order."""
    from rich.table import Table

    pickup = report.pickup
    console.print(
        f"[bold]Call[/bold] {report.duration_s:.1f} s, {report.channels} ch @ "
        f"{report.sample_rate} Hz, language {report.language or '—'}, "
        f"profile {report.ranges_profile}"
        + (f", ringback {pickup.ringback_country}" if pickup.ringback_country else "")
    )
    if pickup.rings is not None:
        console.print(
            f"[bold]Pickup[/bold] ring {pickup.rings}"
            + (
                f", answered at {pickup.answered_at_s:.1f} s"
                if pickup.answered_at_s is not None
                else ""
            )
            + (
                f", {pickup.seconds:.1f} s after the first ring"
                if pickup.seconds is not None
                else ""
            )
            + f" ({pickup.source})"
        )
    table = Table(title="Metrics against ranges")
    for col in ("rule", "metric", "value", "expected", "status"):
        table.add_column(col)
    for m in report.metrics:
        value = "—" if m.value is None else f"{m.value} {m.unit}".strip()
        status = m.status if m.reason is None else f"{m.status}: {m.reason}"
        table.add_row(m.rule, m.label, value, m.expected, f"[{_STATUS_STYLE[m.status]}]{status}[/]")
    console.print(table)
    for warning in report.warnings:
        console.print(f"[bold yellow]warning ({warning.code}):[/] {warning.message}")
    if report.warnings and not report.findings:
        return  # a partial recording is not a call within every range
    if not report.findings:
        console.print("[green]No findings: every measured value is within its range.[/green]")
        return
    console.print(f"[bold]Findings ({len(report.findings)})[/bold]")
    for f in report.findings:
        value = "" if f.value is None else f" {f.value} (expected {f.expected})"
        console.print(
            f"[bold]{clock(f.start_s, tenths=True):>7}[/bold]  [{_SEVERITY_STYLE[f.severity]}]"
            f"{f.severity:<8}[/] {f.rule}:{value}\n"
            f"          {f.message}\n          [dim]advice:[/dim] {f.advice}"
        )


def _fail(message: str, code: int = 1) -> NoReturn:
    """One plain line on stderr (never wrapped: scripts grep it), then exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def analyze_command(
    call: Annotated[Path, typer.Argument(help="recording: WAV, FLAC, OGG/Opus or MP3")],
    agent_channel: Annotated[
        str, typer.Option(help=f"{AGENT_CHANNEL_HELP}, or auto (found from the call)")
    ] = "0",
    agent_speaker: Annotated[
        str, typer.Option(help="mono calls: auto, first or second voice is the agent")
    ] = "auto",
    country: Annotated[str | None, typer.Option(help="ringback plan hint, e.g. SE")] = None,
    language: Annotated[str, typer.Option(help="auto, en, sv, nb or el")] = "auto",
    profile: Annotated[Path | None, typer.Option(help="ranges profile TOML (any subset)")] = None,
    engine: Annotated[
        str, typer.Option(help="faster-whisper, openai-whisper or none")
    ] = "faster-whisper",
    model: Annotated[str | None, typer.Option(help="model name or directory")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    out: Annotated[Path | None, typer.Option(help="also write the JSON report here")] = None,
    allow_partial: Annotated[
        bool,
        typer.Option(
            "--allow-partial",
            help="exit 0 for a truncated or damaged recording, or one without speech",
        ),
    ] = False,
    redact: Annotated[
        bool, typer.Option("--redact/--no-redact", help="tag cards, ids, phone, e-mail in words")
    ] = True,
    company: Annotated[
        list[str] | None,
        typer.Option(
            "--company",
            help="a name the agent should introduce the company by (repeatable); "
            "also a hint to the transcriber",
        ),
    ] = None,
) -> None:
    """Analyse one call and print its report."""
    from pydantic import ValidationError
    from rich.console import Console

    companies = [c.strip() for c in company or [] if c.strip()]
    try:
        options = AnalysisOptions(
            agent_channel=int(agent_channel) if agent_channel.isdigit() else agent_channel,
            agent_speaker=agent_speaker,
            country=country,
            language=language,
            engine=engine,
            model=model,
            redact=redact,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        option = str(first["loc"][0]).replace("_", "-")
        _fail(f"--{option}: {first['msg']}", code=2)
    metadata = CallMetadata(company_names=companies) if companies else None
    report = _analyse_with_progress(call, options, metadata, profile)
    text = report.model_dump_json(indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    if as_json:
        sys.stdout.write(text + "\n")
    else:
        render_report(report, Console())
    _exit_on_warnings(call, report, allow_partial)


def _analyse_with_progress(
    call: Path, options: AnalysisOptions, metadata: CallMetadata | None, profile: Path | None
) -> Report:
    """Run the analysis with a progress bar on a terminal; a bad input exits 1."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from analyzers.pipeline import analyze
    from analyzers.profile import load_profile

    err = Console(stderr=True)
    try:
        ranges = load_profile(profile)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),  # from the recent pace: per transcribed chunk batch
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar:
            task = bar.add_task("analysing", total=1.0)
            report = analyze(
                call,
                options,
                metadata=metadata,
                profile=ranges,
                progress=lambda stage, done: bar.update(task, completed=done, description=stage),
            )
    except AnalysisError as exc:
        _fail(f"{call}: {exc} [{exc.code}]")
    except FileNotFoundError:
        _fail(f"no such file: {call}")
    except IsADirectoryError:
        _fail(f"{call}: is a directory, not a recording")
    except OSError as exc:
        _fail(f"{call}: cannot read: {exc.strerror or exc}")
    return report


def _exit_on_warnings(call: Path, report: object, allow_partial: bool) -> None:
    """A partial report (truncated, damaged, no speech) is printed, then exits 3."""
    from analyzers.report import Report

    assert isinstance(report, Report)
    if not report.warnings:
        return
    if allow_partial:
        for warning in report.warnings:
            typer.echo(f"warning: {warning.code}: {warning.message}", err=True)
        return
    codes = ", ".join(w.code for w in report.warnings)
    first = report.warnings[0].message
    _fail(f"{call}: partial report ({codes}): {first}; --allow-partial accepts it", code=3)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_command)
