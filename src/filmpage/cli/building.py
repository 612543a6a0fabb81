"""build, check and serve: turning the records into a site."""

from __future__ import annotations

import datetime as dt
import functools
import time
from pathlib import Path

import click

from ..commands.build import build
from ..commands.checking import load_site
from ..commands.parallel import default_jobs
from .common import (
    OUTPUT_KEPT,
    ProgressReport,
    base_url_option,
    build_summary,
    drafts_option,
    handle_errors,
    jobs_option,
    out_option,
    overrides,
    quiet_option,
    report_problems,
    root_option,
    shown,
    verbose_option,
)


@click.command("build")
@root_option
@out_option
@drafts_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--clean", is_flag=True, help="Ignore the build cache: render every page.")
@base_url_option
@click.option(
    "--relative-links",
    is_flag=True,
    help="Make every internal link relative, so the site works opened from disk "
    "(as relative_links: true in filmpage.yml).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the programme counts as today, YYYY-MM-DD.  [default: the current date in UTC]",
)
@jobs_option
@quiet_option
@verbose_option
@functools.partial(handle_errors, stopped=OUTPUT_KEPT)
def build_command(
    root: Path,
    out: Path | None,
    drafts: bool,
    strict: bool,
    clean: bool,
    base_url: str | None,
    relative_links: bool,
    today: dt.datetime | None,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the site into site/ (or --out), replacing it only when the build succeeds."""
    report = ProgressReport() if not quiet else None
    try:
        result = build(
            root,
            out,
            drafts=drafts,
            strict=strict,
            jobs=jobs,
            clean=clean,
            progress=report or (lambda *_: None),
            overrides=overrides(base_url, relative_links),
            today=today.date() if today else None,
        )
    finally:
        if report:
            report.finish()
    report_problems(result.warnings, quiet)
    if verbose:
        click.echo(f"wrote {result.files} files to {result.out}")
        for path in sorted(result.paths_written):
            click.echo(f"  wrote {path}")
        for path in sorted(result.paths_removed):
            click.echo(f"  removed {path}")
    if not quiet:
        click.echo(build_summary(result))


@click.command("check")
@root_option
@click.option("--drafts", is_flag=True, help="Check films marked draft as published.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@base_url_option
@jobs_option
@quiet_option
@verbose_option
@handle_errors
def check_command(
    root: Path,
    drafts: bool,
    strict: bool,
    base_url: str | None,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Check every record and the settings; report all problems; write nothing."""
    site = load_site(
        root,
        drafts=drafts,
        strict=strict,
        jobs=jobs or default_jobs(),
        overrides=overrides(base_url),
    )
    if verbose:
        n, m = len(site.catalogue.films), len(site.static)
        click.echo(f"checked {n} film{'s' if n != 1 else ''}, "
                   f"{m} static file{'s' if m != 1 else ''}")  # fmt: skip
    report_problems(site.warnings, quiet)
    if not quiet:
        n, w = len(site.catalogue.films), len(site.warnings)
        click.echo(f"OK: {n} film{'s' if n != 1 else ''}, {w} warning{'s' if w != 1 else ''}.")


@click.command("serve")
@root_option
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; when it is busy, the next free one is used.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on: 0.0.0.0 (or this machine's LAN address) lets other "
    "devices see the preview.",
)
@out_option
@drafts_option
@base_url_option
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("--no-reload", is_flag=True, help="Do not watch for changes or reload pages.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors and the address only.")
@click.option("-v", "--verbose", is_flag=True, help="Also print every request.")
@handle_errors
def serve_command(
    root: Path,
    port: int,
    host: str,
    out: Path | None,
    drafts: bool,
    base_url: str | None,
    open_browser: bool,
    no_reload: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build and serve the site on http://127.0.0.1:PORT/, rebuilding on every change."""
    import webbrowser

    from ..commands.previewserver import WILDCARDS, lan_address
    from ..commands.serve import start_preview

    def log(message: str) -> None:
        if not quiet or "build failed" in message or message.startswith("the rebuild"):
            click.echo(message, err=True)

    running = start_preview(root, out, host, port, drafts, reload=not no_reload, log=log,
                            overrides=overrides(base_url), verbose=verbose)  # fmt: skip
    if running.port_moved:
        click.echo(f"port {port} is in use; using {running.server.server_address[1]}", err=True)
    if running.first is not None:
        report_problems(running.first.warnings, quiet)
        built = build_summary(running.first).split(",")[0]  # "Built 12 films"
    else:
        built = "The build failed (see above); showing its errors"
    watching = "" if no_reload else "; watching for changes"
    where = shown(running.first.out) if running.first else shown(out or root / "site")
    click.echo(f"{built}. Serving {where} at {running.url}{watching} (Ctrl-C to stop)")
    lan = lan_address() if host in WILDCARDS else None
    if lan:
        bound = running.server.server_address[1]
        click.echo(f"Other devices: http://{lan}:{bound}{running.base_path}")
    if open_browser:
        webbrowser.open(running.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopped.")
    finally:
        running.stop()
