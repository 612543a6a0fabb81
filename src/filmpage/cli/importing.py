"""import: records from other tools' exports, merged without loss, with a report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..importing import FORMATS
from .common import (
    handle_errors,
    locate_site,
    printable,
    quiet_option,
    root_option,
    verbose_option,
)


def _no_force(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        raise click.UsageError(
            "--force was removed: an import now merges into the records that exist, adding "
            "what they lack and never replacing what they hold; --update also takes the "
            "source's new values for what an earlier import wrote and nobody has edited since."
        )


@click.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@root_option
@click.option(
    "--map",
    "pairs",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="For csv and json: which column fills a field (repeatable).",
)
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A YAML file of field: column pairs, for reuse.",
)
@click.option(
    "--update",
    is_flag=True,
    help="Also replace values an earlier import of this format wrote, where the source "
    "changed them and nobody edited them since.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be done; write nothing.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the report.  [default: ROOT/import-report.yaml]",
)
@click.option("--force", is_flag=True, hidden=True, expose_value=False, callback=_no_force)
@quiet_option
@verbose_option
@handle_errors
def import_command(
    fmt: str,
    files: tuple[Path, ...],
    root: Path,
    pairs: tuple[str, ...],
    mapping_file: Path | None,
    update: bool,
    dry_run: bool,
    report_path: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Import films from FORMAT (csv, json, letterboxd, imdb, nfo) into content/."""
    from ..commands.importer import parse_mapping, run_import
    from ..importing.report import terminal_lines

    root = locate_site(root)
    mapping = parse_mapping(list(pairs), mapping_file)
    try:
        report = run_import(root, fmt, list(files), mapping, update, dry_run, report_path)
    except KeyboardInterrupt:
        click.echo("interrupted before anything was written.", err=True)
        sys.exit(130)
    # each kind of result up to 20 lines (all of them with -v; conflicts and rows skipped
    # alone with -q)
    for kind, line in terminal_lines(report, limit=10**9 if verbose else 20):
        if kind == "problem" or not quiet:
            colour = "yellow" if line.startswith("conflict") else None
            click.secho(printable(line), err=kind != "done", fg=colour)
    if report.failure:
        click.secho(f"error: {report.failure}", fg="red", err=True)
        for path in report.unwritten[:20]:
            click.secho(f"not written: {report.rel(path)}", fg="red", err=True)
        if len(report.unwritten) > 20:
            click.secho(f"... and {len(report.unwritten) - 20} more not written", err=True)
    where = f" Report: {report.rel(report.report_file)}" if report.report_file else ""
    if not quiet:
        click.echo(report.summary() + where)
    if report.interrupted:
        sys.exit(130)
    if report.failure and report.unwritten:
        sys.exit(1)
    if not report.imported:
        why = (
            "every row was skipped (the reasons are above)"
            if report.skipped
            else "the files hold no film (no row under the header, no file of the format)"
        )
        click.secho(f"Nothing could be imported: {why}.", fg="red", err=True)
        sys.exit(1)
