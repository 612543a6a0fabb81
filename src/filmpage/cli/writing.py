"""new and init: writing a site's first files."""

from __future__ import annotations

from pathlib import Path

import click

from .common import handle_errors, quiet_option, root_option, verbose_option


@click.command("new")
@click.argument("title")
@click.option("--year", "-y", type=int, required=True, help="The film's year.")
@click.option("--slug", help="The file name and URL slug (default: from the title).")
@root_option
@quiet_option
@verbose_option
@handle_errors
def new_command(
    title: str, year: int, slug: str | None, root: Path, quiet: bool, verbose: bool
) -> None:
    """Write a new film record content/films/<slug>.md (never overwrites)."""
    from ..commands.scaffold import catalogue_films, new_film

    path = new_film(root, title, year, slug, catalogue_films(root))
    if not quiet:
        click.echo(f"created {path.relative_to(root)}")
    if verbose:
        click.echo(f"its URL: /films/{path.stem}/ (the slug is written in the record)")


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Film Catalogue", show_default=True, help="The site title.")
@quiet_option
@verbose_option
@handle_errors
def init_command(directory: Path, title: str, quiet: bool, verbose: bool) -> None:
    """Create a new site in DIRECTORY with settings, one example film and a workflow."""
    from ..commands.scaffold import init_site

    made, origin = init_site(directory, title)
    if origin.note:
        click.secho(
            f"warning: filmpage was installed from {origin.note} ({origin.requirement}), "
            "which GitHub's runners cannot reach: before publishing with the workflow, "
            "name a release (filmpage==VERSION) or a public git URL in requirements.txt",
            fg="yellow",
            err=True,
        )
    if quiet:
        return
    for path in made:
        click.echo(f"created {path}")
    if verbose:
        click.echo(f"requirements.txt installs: {origin.requirement}")
    click.echo(f"Next: cd {directory} && filmpage build")
