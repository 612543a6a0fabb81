"""deploy: publishing a built site."""

from __future__ import annotations

from pathlib import Path

import click

from ..commands.build import OUTPUT_DIR, build
from ..errors import FilmpageError, Problems
from ..settings import load_settings
from .common import (
    base_url_option,
    build_summary,
    handle_errors,
    out_option,
    overrides,
    quiet_option,
    report_problems,
    root_option,
    shown,
    verbose_option,
)


@click.command("deploy")
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
@base_url_option
@click.option(
    "--dry-run", is_flag=True, help="Say what would be published; build and change nothing."
)
@quiet_option
@verbose_option
@handle_errors
def deploy_command(
    root: Path,
    out: Path | None,
    branch: str,
    remote: str,
    message: str,
    build_first: bool,
    push: bool,
    base_url: str | None,
    dry_run: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Publish the site to the gh-pages branch (for GitHub Pages), leaving your work alone."""
    from ..commands.deploy import check_destination, deploy

    site = out if out is not None else root / OUTPUT_DIR
    given = overrides(base_url)
    built = build_first and not dry_run
    if built:
        check_destination(root, branch, remote, push)  # (a wrong name costs no build)
        result = build(root, out, overrides=given)
        report_problems(result.warnings, quiet)
        if verbose:
            click.echo(build_summary(result))
    try:
        settings = load_settings(root, Problems(), given)
        done = deploy(root, site, branch, remote, message, push, dry_run, settings)
    except FilmpageError as exc:
        exc.outcome = (  # type: ignore[attr-defined]
            f"{shown(site)} was built; no branch was changed" if built else "nothing was changed"
        )
        raise
    for note in done.notes:
        click.secho(f"warning: {note}", fg="yellow", err=True)
    if not quiet:
        click.echo(_report(done, remote, site, (dry_run, push), verbose))


def _report(done, remote: str, site: Path, asked: tuple[bool, bool], verbose: bool) -> str:
    """What deploy did, in one line (or two with --verbose): exactly, not hopefully."""
    dry_run, push = asked
    branch, commit = f"'{done.branch}'", done.commit[:12]
    if not done.changed:
        line = f"Nothing to publish: branch {branch} already holds this site ({commit})"
        if done.pushed:
            line += f"; pushed it to '{remote}', which did not have it yet"
        line += "."
    elif dry_run:
        line = (
            f"Dry run: would publish {done.files} files from {shown(site)} as last built "
            f"to branch {branch}"
            + (f" and push it to '{remote}'" if push else "")
            + "; nothing was built, committed or pushed."
        )
    elif done.pushed:
        line = f"Published {done.files} files to '{remote}', branch {branch}, as commit {commit}."
    else:
        line = (
            f"Committed {done.files} files to the local branch {branch} as {commit}; not "
            f"pushed (publish it with 'git push {remote} {done.branch}')."
        )
    if verbose:
        line += f"\ntree {done.tree}, on top of {done.parent or 'nothing (a new branch)'}"
    return line
