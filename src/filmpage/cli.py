"""The command line: parse options, call a command, print what happened. No logic here."""

from __future__ import annotations

import functools
import gc
import sys
import time
from pathlib import Path

import click

from . import __version__
from .commands.build import OUTPUT_DIR, build, load_site
from .commands.parallel import default_jobs
from .errors import FilmpageError, Problem
from .importing.formats import FORMATS

# The other commands' modules (and the servers, browsers and processes they bring) are
# imported by the commands that use them: a build starts its workers 30 ms sooner.


def _report(problems: list[Problem], quiet: bool = False) -> None:
    for problem in problems:
        if problem.severity == "warning" and quiet:
            continue
        color = "yellow" if problem.severity == "warning" else "red"
        click.secho(str(problem), fg=color, err=True)


OUTPUT_KEPT = (
    "The build stopped. The output folder was left as it was (or, if the error came while "
    "it was being updated, marked unfinished: the next build redoes it)."
)


def handle_errors(command, stopped: str = ""):
    """Print a FilmpageError as placed messages, or an error of the machine (a full disk)
    with its file and then ``stopped``, and exit 1; no traceback unless --debug."""

    @functools.wraps(command)
    def wrapper(*args, debug: bool = False, **kwargs):
        try:
            return command(*args, **kwargs)
        except FilmpageError as exc:
            if debug:
                raise
            _report(exc.problems)
            errors = sum(1 for p in exc.problems if p.severity == "error")
            warnings = len(exc.problems) - errors
            summary = f"{errors} error{'s' if errors != 1 else ''}"
            if warnings:
                summary += f", {warnings} warning{'s' if warnings != 1 else ''}"
            click.secho(f"{summary}; nothing was written.", fg="red", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted; the output folder was left as it was.", err=True)
            sys.exit(130)
        except OSError as exc:  # the machine's, not the content's: a full disk, say
            if debug:
                raise
            where = f": {exc.filename}" if exc.filename else ""
            click.secho(f"error: {exc.strerror or exc}{where}", fg="red", err=True)
            if stopped:
                click.secho(stopped, fg="red", err=True)
            sys.exit(1)

    return click.option("--debug", is_flag=True, help="Show a traceback for errors.")(wrapper)


root_option = click.option(
    "--root",
    "-s",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The site folder (holding filmpage.yml and content/).",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Print more detail.")
out_option = click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Output folder.  [default: ROOT/{OUTPUT_DIR}]",
)
drafts_option = click.option("--drafts", is_flag=True, help="Include films marked draft.")
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, None),
    default=None,
    help="Processes to use.  [default: one per core]",
)


@click.group(name="filmpage", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="filmpage")
def main() -> None:
    """filmpage: build a storefront-style static site from film records."""


def run() -> None:
    """The ``filmpage`` program: the command line, then a quick exit.

    A build leaves a million objects behind, held together in cycles (templates, films).
    Collecting them at exit walks them all, about a second for 10,000 films; frozen, they
    are left to the operating system, which takes the whole process back at once.
    """
    try:
        main()
    finally:
        gc.freeze()


@main.command("build")
@root_option
@out_option
@drafts_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--clean", is_flag=True, help="Ignore the build cache: render every page.")
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
        )
    finally:
        if report:
            report.finish()
    _report(result.warnings, quiet)
    if verbose:
        click.echo(f"wrote {result.files} files to {result.out}")
    if not quiet:
        click.echo(_summary(result))


class ProgressReport:
    """Shows a build's progress once it has taken more than a moment: a bar that redraws
    itself on a terminal, a plain line per stage (and every tenth) otherwise."""

    DELAY = 1.0

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last: tuple[str, int] = ("", -1)
        self.drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if time.monotonic() - self.started < self.DELAY or not total:
            return
        tenth = done * 10 // total
        if self.tty:
            width = 30
            filled = done * width // total
            bar = "#" * filled + "-" * (width - filled)
            click.echo(f"\r{stage:<10}[{bar}] {done}/{total}", err=True, nl=False)
            self.drawn = True
        elif (stage, tenth) != self.last:
            click.echo(f"{stage} {done}/{total}", err=True)
        self.last = (stage, tenth)

    def finish(self) -> None:
        if self.drawn:
            click.echo("\r" + " " * 60 + "\r", err=True, nl=False)


def _summary(result) -> str:
    """'Built 12 films, 65 pages (3 rendered, 62 reused, 0 removed), 0 warnings in ...'."""
    w = len(result.warnings)
    return (
        f"Built {result.films} film{'s' if result.films != 1 else ''}, {result.pages} pages "
        f"({result.rendered} rendered, {result.reused} reused, {result.removed} removed), "
        f"{w} warning{'s' if w != 1 else ''} in {result.seconds:.2f} s -> {_shown(result.out)}"
    )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


@main.command("check")
@root_option
@click.option("--drafts", is_flag=True, help="Check films marked draft as published.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@jobs_option
@quiet_option
@verbose_option
@handle_errors
def check_command(
    root: Path, drafts: bool, strict: bool, jobs: int | None, quiet: bool, verbose: bool
) -> None:
    """Check every record and the settings; report all problems; write nothing."""
    site = load_site(root, drafts=drafts, strict=strict, jobs=jobs or default_jobs())
    if verbose:
        click.echo(f"checked {len(site.catalogue.films)} films, {len(site.static)} static files")
    _report(site.warnings, quiet)
    if not quiet:
        n = len(site.catalogue.films)
        click.echo(f"OK: {n} film{'s' if n != 1 else ''}, {len(site.warnings)} warnings.")


@main.command("new")
@click.argument("title")
@click.option("--year", "-y", type=int, required=True, help="The film's year.")
@click.option("--slug", help="The file name and URL slug (default: from the title).")
@root_option
@handle_errors
def new_command(title: str, year: int, slug: str | None, root: Path) -> None:
    """Write a new film record content/films/<slug>.md (never overwrites)."""
    from .commands.scaffold import new_film

    path = new_film(root, title, year, slug)
    click.echo(f"created {path.relative_to(root)}")


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Film Catalogue", show_default=True, help="The site title.")
@handle_errors
def init_command(directory: Path, title: str) -> None:
    """Create a new site in DIRECTORY with settings and one example film."""
    from .commands.scaffold import init_site

    for path in init_site(directory, title):
        click.echo(f"created {path}")
    click.echo(f"Next: cd {directory} && filmpage build")


@main.command("serve")
@root_option
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; another than 127.0.0.1 exposes the preview.",
)
@out_option
@drafts_option
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("--no-reload", is_flag=True, help="Do not watch for changes or reload pages.")
@handle_errors
def serve_command(
    root: Path,
    port: int,
    host: str,
    out: Path | None,
    drafts: bool,
    open_browser: bool,
    no_reload: bool,
) -> None:
    """Build and serve the site on http://127.0.0.1:PORT/, rebuilding on every change."""
    import webbrowser

    from .commands.serve import start_preview

    running = start_preview(
        root,
        out,
        host,
        port,
        drafts,
        reload=not no_reload,
        log=lambda message: click.echo(message, err=True),
    )
    _report(running.first.warnings)
    watching = "" if no_reload else "; watching for changes"
    click.echo(
        f"Built {running.first.films} films. Serving {_shown(running.first.out)} at "
        f"{running.url}{watching} (Ctrl-C to stop)"
    )
    if open_browser:
        webbrowser.open(running.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopped.")
    finally:
        running.stop()


@main.command("deploy")
@root_option
@out_option
@click.option(
    "--branch", "-b", default="gh-pages", show_default=True, help="The branch to publish to."
)
@click.option("--remote", "-r", default="origin", show_default=True, help="The remote to push to.")
@click.option(
    "--message",
    "-m",
    default="Publish site with filmpage",
    show_default=True,
    help="The commit message.",
)
@click.option(
    "--build/--no-build",
    "build_first",
    default=True,
    show_default=True,
    help="Build the site first, or publish the output folder as it is.",
)
@click.option(
    "--push/--no-push",
    default=True,
    show_default=True,
    help="Push the branch, or only commit it locally.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be published; change nothing.")
@handle_errors
def deploy_command(
    root: Path,
    out: Path | None,
    branch: str,
    remote: str,
    message: str,
    build_first: bool,
    push: bool,
    dry_run: bool,
) -> None:
    """Publish the site to the gh-pages branch (for GitHub Pages), leaving your work alone."""
    from .commands.deploy import deploy

    site = out if out is not None else root / OUTPUT_DIR
    if build_first and not dry_run:
        result = build(root, out)
        _report(result.warnings)
    done = deploy(root, site, branch, remote, message, push=push, dry_run=dry_run)
    if dry_run:
        click.echo(
            f"Would publish {done.files} files (tree {done.tree[:12]}) to branch "
            f"'{branch}'" + (f" and push it to '{remote}'." if push else ".")
        )
    else:
        pushed = f", pushed to '{remote}'" if done.pushed else ""
        click.echo(
            f"Published {done.files} files to branch '{branch}' as commit "
            f"{done.commit[:12]}{pushed}."
        )


@main.command("import")
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
) -> None:
    """Import films from FORMAT (csv, json, letterboxd, imdb, nfo) into content/films/."""
    from .commands.importer import parse_mapping, run_import

    mapping = parse_mapping(list(pairs), mapping_file)
    result = run_import(root, fmt, list(files), mapping, force, update, dry_run)
    verb = "would write" if dry_run else "wrote"
    for path in result.written:
        click.echo(f"{verb} {_shown(path)}")
    for path in result.updated:
        click.echo(f"{'would update' if dry_run else 'updated'} {_shown(path)}")
    for file, line, reason in result.skipped:
        click.echo(f"skipped {file}{f':{line}' if line else ''}: {reason}", err=True)
    click.echo(
        f"{'Dry run: ' if dry_run else ''}{len(result.written)} written, "
        f"{len(result.updated)} updated, {result.merged} merged, "
        f"{len(result.skipped)} skipped."
    )
