"""deploy: publishing a built site."""

from __future__ import annotations

from pathlib import Path

import click

from ..commands.build import OUTPUT_DIR, build
from .common import handle_errors, out_option, report_problems, root_option


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
    from ..commands.deploy import deploy

    site = out if out is not None else root / OUTPUT_DIR
    if build_first and not dry_run:
        result = build(root, out)
        report_problems(result.warnings)
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
