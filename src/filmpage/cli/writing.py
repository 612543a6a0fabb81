"""new and init: writing a site's first files."""

from __future__ import annotations

from pathlib import Path

import click

from .common import handle_errors, root_option


@click.command("new")
@click.argument("title")
@click.option("--year", "-y", type=int, required=True, help="The film's year.")
@click.option("--slug", help="The file name and URL slug (default: from the title).")
@root_option
@handle_errors
def new_command(title: str, year: int, slug: str | None, root: Path) -> None:
    """Write a new film record content/films/<slug>.md (never overwrites)."""
    from ..commands.scaffold import new_film

    path = new_film(root, title, year, slug)
    click.echo(f"created {path.relative_to(root)}")


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Film Catalogue", show_default=True, help="The site title.")
@handle_errors
def init_command(directory: Path, title: str) -> None:
    """Create a new site in DIRECTORY with settings and one example film."""
    from ..commands.scaffold import init_site

    for path in init_site(directory, title):
        click.echo(f"created {path}")
    click.echo(f"Next: cd {directory} && filmpage build")
