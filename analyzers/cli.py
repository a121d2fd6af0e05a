"""``callcoach analyze``: one call in, a readable report (or JSON) out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from analyzers.errors import AnalysisError

_SEVERITY_STYLE = {"info": "cyan", "warning": "yellow", "critical": "bold red"}
_STATUS_STYLE = {"ok": "green", "warning": "yellow", "critical": "bold red", "unmeasured": "dim"}


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:04.1f}"


def render_report(report: object, console: object) -> None:
    """Print the metrics table and the findings in time order."""
    from rich.table import Table

    from analyzers.report import Report

    assert isinstance(report, Report)
    pickup = report.pickup
    console.print(  # type: ignore[attr-defined]
        f"[bold]Call[/bold] {report.duration_s:.1f} s, {report.channels} ch @ "
        f"{report.sample_rate} Hz, language {report.language or '—'}, "
        f"profile {report.ranges_profile}"
        + (f", ringback {pickup.ringback_country}" if pickup.ringback_country else "")
    )
    table = Table(title="Metrics against ranges")
    for col in ("rule", "metric", "value", "expected", "status"):
        table.add_column(col)
    for m in report.metrics:
        value = "—" if m.value is None else f"{m.value} {m.unit}".strip()
        status = m.status if m.reason is None else f"{m.status}: {m.reason}"
        table.add_row(m.rule, m.label, value, m.expected, f"[{_STATUS_STYLE[m.status]}]{status}[/]")
    console.print(table)  # type: ignore[attr-defined]
    if not report.findings:
        console.print("[green]No findings: every measured value is within its range.[/green]")  # type: ignore[attr-defined]
        return
    console.print(f"[bold]Findings ({len(report.findings)})[/bold]")  # type: ignore[attr-defined]
    for f in report.findings:
        value = "" if f.value is None else f" {f.value} (expected {f.expected})"
        console.print(  # type: ignore[attr-defined]
            f"[bold]{_clock(f.start_s):>7}[/bold]  [{_SEVERITY_STYLE[f.severity]}]"
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
        int, typer.Option(min=0, max=1, help="stereo channel of the agent")
    ] = 0,
    country: Annotated[str | None, typer.Option(help="ringback plan hint, e.g. SE")] = None,
    language: Annotated[str, typer.Option(help="auto, en, sv, nb or el")] = "auto",
    profile: Annotated[Path | None, typer.Option(help="ranges profile TOML (any subset)")] = None,
    engine: Annotated[
        str, typer.Option(help="faster-whisper, openai-whisper or none")
    ] = "faster-whisper",
    model: Annotated[str | None, typer.Option(help="model name or directory")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    out: Annotated[Path | None, typer.Option(help="also write the JSON report here")] = None,
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
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from analyzers.options import AnalysisOptions, CallMetadata
    from analyzers.pipeline import analyze
    from analyzers.profile import load_profile

    err = Console(stderr=True)
    companies = [c.strip() for c in company or [] if c.strip()]
    try:
        options = AnalysisOptions(
            agent_channel=agent_channel,
            country=country,
            language=language,
            engine=engine,
            model=model,
        )  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        option = str(first["loc"][0]).replace("_", "-")
        _fail(f"--{option}: {first['msg']}", code=2)
    try:
        ranges = load_profile(profile)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar:
            task = bar.add_task("analysing", total=1.0)
            report = analyze(
                call,
                options,
                metadata=CallMetadata(company_names=companies) if companies else None,
                profile=ranges,
                progress=lambda stage, done: bar.update(task, completed=done, description=stage),
            )
    except AnalysisError as exc:
        _fail(f"{call}: {exc}")
    except FileNotFoundError:
        _fail(f"no such file: {call}")
    text = report.model_dump_json(indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    if as_json:
        sys.stdout.write(text + "\n")
    else:
        render_report(report, Console())


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_command)
