"""What every command shares: its options, error handling and reporting."""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

import click

from ..commands.build import OUTPUT_DIR
from ..errors import FilmpageError, Problem, machine_error
from ..settings import SETTINGS_FILE, base_url_problem, find_site

_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0)) if c not in (9, 10)}


def printable(text: str) -> str:
    """A message as the terminal may show it: the control characters a file can bring in
    (a title, a column's name) written as escapes (``\\x1b``), never sent to the terminal,
    which would act on them."""
    return text.translate(_CONTROL)


def report_problems(problems: list[Problem], quiet: bool = False) -> None:
    for problem in problems:
        if problem.severity == "warning" and quiet:
            continue
        color = "yellow" if problem.severity == "warning" else "red"
        click.secho(printable(str(problem)), fg=color, err=True)


OUTPUT_KEPT = (
    "The build stopped. The output folder was left as it was (or, if the error came while "
    "it was being updated, marked unfinished: the next build redoes it)."
)


def handle_errors(command, stopped: str = ""):
    """Find the site (a command's ``root``: see :func:`locate_site`), then run the command;
    print a FilmpageError as placed messages and what came of the run (its ``outcome``
    when it has one: "nothing was written" otherwise), or an error of the machine (a full
    disk) with its file and then ``stopped``, and exit 1; no traceback unless --debug."""

    @functools.wraps(command)
    def wrapper(*args, debug: bool = False, **kwargs):
        try:
            if "root" in kwargs:
                kwargs["root"] = locate_site(kwargs["root"])
            return command(*args, **kwargs)
        except FilmpageError as exc:
            if debug:
                raise
            report_problems(exc.problems)
            errors = sum(1 for p in exc.problems if p.severity == "error")
            warnings = len(exc.problems) - errors
            summary = f"{errors} error{'s' if errors != 1 else ''}"
            if warnings:
                summary += f", {warnings} warning{'s' if warnings != 1 else ''}"
            outcome = getattr(exc, "outcome", "nothing was written")
            click.secho(f"{summary}; {outcome}.", fg="red", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted; the output folder was left as it was.", err=True)
            sys.exit(130)
        except OSError as exc:  # the machine's, not the content's: a full disk, say
            if debug:
                raise
            click.secho(machine_error(exc), fg="red", err=True)
            outcome = getattr(exc, "outcome", "") or stopped  # (what became of the output)
            if outcome:
                click.secho(outcome, fg="red", err=True)
            sys.exit(1)

    return click.option("--debug", is_flag=True, help="Show a traceback for errors.")(wrapper)


def locate_site(root: Path | None) -> Path:
    """The site a command works on: the one holding ``root`` (else the current folder),
    found as git finds a repository (:func:`settings.find_site`); an error naming the
    folder when there is none."""
    if root is not None and not root.is_dir():
        raise FilmpageError(f"--root {root}: no such folder")
    start = (root if root is not None else Path.cwd()).absolute()
    found = find_site(start)
    if found is None:
        raise FilmpageError(
            f"{start}: not a filmpage site: no {SETTINGS_FILE} (or content/films/) here or in "
            "any folder above; start one with 'filmpage init FOLDER', or give the site's "
            "folder with --root"
        )
    return found


root_option = click.option(
    "--root",
    "-s",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"The site folder.  [default: the nearest folder holding {SETTINGS_FILE}, from the "
    "current folder up]",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Print more detail.")


def _check_base_url(ctx, param, value: str | None) -> str | None:
    problem = base_url_problem(value) if value is not None else None
    if problem:
        raise click.BadParameter(problem)
    return value


base_url_option = click.option(
    "--base-url",
    metavar="URL",
    callback=_check_base_url,
    help="The address the site will have (https://USER.github.io/REPO/), instead of "
    "base_url in filmpage.yml.",
)


def overrides(base_url: str | None, relative_links: bool = False) -> dict[str, object]:
    """The settings a command's options give, to win over filmpage.yml's."""
    given: dict[str, object] = {}
    if base_url is not None:
        given["base_url"] = base_url
    if relative_links:
        given["relative_links"] = True
    return given


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


def build_summary(result) -> str:
    """'Built 12 films, 65 pages (3 rendered, 62 reused, 0 removed), 0 warnings in ...',
    with the drafts left out after the films when there are any."""
    w = len(result.warnings)
    drafts = (
        f" ({result.drafts} draft{'s' if result.drafts != 1 else ''} left out: --drafts shows them)"
        if result.drafts
        else ""
    )
    return (
        f"Built {result.films} film{'s' if result.films != 1 else ''}{drafts}, "
        f"{result.pages} pages "
        f"({result.rendered} rendered, {result.reused} reused, {result.removed} removed), "
        f"{w} warning{'s' if w != 1 else ''} in {result.seconds:.2f} s -> {shown(result.out)}"
    )


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)
