"""new and init: writing a site's first files."""

from __future__ import annotations

from pathlib import Path

import click

from ..programme import ACCESSIBILITY, STATUSES
from .common import handle_errors, quiet_option, root_option, verbose_option


def _screening_options(command):
    """The options of ``new --screening``: each field of a screening."""
    options = [
        click.option("--screening", metavar="FILM", help="Add a screening of this film (its "
                     "slug) to a season of content/programme/, instead of a film record."),
        click.option("--season", metavar="SLUG", help="Its file: content/programme/SLUG.yaml."),
        click.option("--start", metavar="'YYYY-MM-DD HH:MM'", help="Local time at the venue."),
        click.option("--venue", help="A key of venues in filmpage.yml."),
        click.option("--end", metavar="'YYYY-MM-DD HH:MM'", help="Default: start plus runtime."),
        click.option("--doors", metavar="HH:MM"),
        click.option("--price", help="The standard price, like 8.00."),
        click.option("--concession", help="The concession price."),
        click.option("--currency", help="A currency code, like GBP."),
        click.option("--tickets", metavar="URL"),
        click.option("--status", type=click.Choice(STATUSES)),
        click.option("--subtitles", multiple=True, metavar="LANGUAGE"),
        click.option("--accessibility", multiple=True, type=click.Choice(ACCESSIBILITY)),
        click.option("--note"),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


@click.command("new")
@click.argument("title", required=False)
@click.option("--year", "-y", type=int, help="The film's year.")
@click.option("--slug", help="The file name and URL slug (default: from the title).")
@_screening_options
@root_option
@quiet_option
@verbose_option
@handle_errors
def new_command(title: str | None, year: int | None, slug: str | None, root: Path,
                screening: str | None, quiet: bool, verbose: bool, **fields) -> None:  # fmt: skip
    """Write a new film record content/films/<slug>.md (never overwrites), or with
    --screening add a screening to a season of the programme."""
    if screening is not None:
        from ..commands.screening import NewScreening, new_screening

        if title or year or slug or not fields["season"] or not fields["start"]:
            raise click.UsageError("--screening FILM takes --season and --start (and no title, "
                                   "--year or --slug)")  # fmt: skip
        fields = {k: tuple(v) if isinstance(v, tuple) else v for k, v in fields.items()}
        path = new_screening(root, NewScreening(film=screening, **fields))
        if not quiet:
            click.echo(f"added a screening of {screening} to {path.relative_to(root)}")
        return
    if not title or year is None:
        raise click.UsageError("give the film's TITLE and --year (or --screening FILM)")
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
    from ..commands.scaffold import WORKFLOW_PATH, init_site, repository_above

    made, origin = init_site(directory, title)
    repo = repository_above(directory)
    if repo is not None and not quiet:
        click.secho(
            f"warning: {directory} is inside the git repository {repo}, and GitHub runs only "
            f"the workflows of {repo / '.github/workflows'}: to publish with GitHub Actions, "
            f"move {directory / WORKFLOW_PATH} there and make its build run in "
            f"{directory.resolve().relative_to(repo)} (a 'working-directory' for its steps, "
            "and the path of the site it uploads)",
            fg="yellow",
            err=True,
        )
    if origin.note and not quiet:  # (a warning: -q prints only errors)
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
