"""import: records from other tools' exports."""

from __future__ import annotations

from pathlib import Path

import click

from ..importing.formats import FORMATS
from .common import handle_errors, quiet_option, root_option, shown


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
@click.option("--force", is_flag=True, help="Overwrite records that already exist.")
@click.option(
    "--update",
    is_flag=True,
    help="Refresh the imported fields of records this format imported before.",
)
@click.option("--dry-run", is_flag=True, help="List what would be written; write nothing.")
@quiet_option
@click.option("-v", "--verbose", is_flag=True, help="Also print which column fills each field.")
@handle_errors
def import_command(
    fmt: str,
    files: tuple[Path, ...],
    root: Path,
    pairs: tuple[str, ...],
    mapping_file: Path | None,
    force: bool,
    update: bool,
    dry_run: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Import films from FORMAT (csv, json, letterboxd, imdb, nfo) into content/films/."""
    from ..commands.importer import parse_mapping, run_import

    mapping = parse_mapping(list(pairs), mapping_file)
    if verbose:
        for name, column in mapping.items():
            click.echo(f"{name} <- column {column!r}")
    result = run_import(root, fmt, list(files), mapping, force, update, dry_run)
    if quiet:
        return
    verb = "would write" if dry_run else "wrote"
    for path in result.written:
        click.echo(f"{verb} {shown(path)}")
    for path in result.updated:
        click.echo(f"{'would update' if dry_run else 'updated'} {shown(path)}")
    for file, line, reason in result.skipped:
        click.echo(f"skipped {file}{f':{line}' if line else ''}: {reason}", err=True)
    click.echo(
        f"{'Dry run: ' if dry_run else ''}{len(result.written)} written, "
        f"{len(result.updated)} updated, {result.merged} merged, "
        f"{len(result.skipped)} skipped."
    )
