"""Publish a built site to a branch of the site's git repository (``gh-pages`` by default).

Like ghp-import, but with git plumbing only: the site's files are added to a temporary
index, written as a tree and committed on top of the branch's history, then pushed. The
user's working tree, index and current branch are never touched.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import FilmpageError
from ..write import MARKER, is_complete, is_ours


@dataclass(frozen=True)
class DeployResult:
    branch: str
    commit: str  # empty on a dry run
    tree: str
    files: int
    pushed: bool


def _git(repo: Path, *args: str, env: dict | None = None) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise FilmpageError(f"git {args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def find_repository(root: Path) -> Path:
    """The top of the git repository holding ``root``, or a clear error."""
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise FilmpageError(
            f"{root.resolve()}: not inside a git repository; run 'git init' "
            "and add a remote, or publish with the GitHub Actions workflow"
        )
    return Path(done.stdout.strip())


def deploy(
    root: Path,
    site: Path,
    branch: str = "gh-pages",
    remote: str = "origin",
    message: str = "Publish site with filmpage",
    push: bool = True,
    dry_run: bool = False,
) -> DeployResult:
    """Commit the built ``site`` folder as the new state of ``branch`` and push it."""
    if not is_ours(site):
        raise FilmpageError(f"{site}: no built site here; run 'filmpage build' first")
    if not is_complete(site):
        raise FilmpageError(f"{site}: the last build was cut short; run 'filmpage build' again")
    repo = find_repository(root)
    if push and remote not in _git(repo, "remote").split():
        raise FilmpageError(
            f"the repository has no remote '{remote}'; add one with 'git "
            f"remote add {remote} URL', or pass --remote or --no-push"
        )
    git_dir = _git(repo, "rev-parse", "--absolute-git-dir")
    with tempfile.TemporaryDirectory(prefix="filmpage-deploy-") as scratch:
        env = {
            **os.environ,
            "GIT_INDEX_FILE": str(Path(scratch) / "index"),
            "GIT_DIR": git_dir,
            "GIT_WORK_TREE": str(site.resolve()),
        }
        site_dir = site.resolve()
        _git(site_dir, "add", "--all", "--force", ".", env=env)
        _git(site_dir, "rm", "--cached", "--quiet", "--ignore-unmatch", MARKER, env=env)
        tree = _git(site_dir, "write-tree", env=env)
        files = len(_git(site_dir, "ls-files", env=env).splitlines())
    if dry_run:
        return DeployResult(branch, "", tree, files, False)
    parent = _parent(repo, branch, remote)
    args = ["commit-tree", tree, "-m", message] + (["-p", parent] if parent else [])
    commit = _git(repo, *args)
    _git(repo, "update-ref", f"refs/heads/{branch}", commit, *([parent] if parent else []))
    if push:
        done = subprocess.run(
            ["git", "-C", str(repo), "push", remote, f"{branch}:{branch}"],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise FilmpageError(f"the push to '{remote}' was refused: {done.stderr.strip()}")
    return DeployResult(branch, commit, tree, files, push)


def _parent(repo: Path, branch: str, remote: str) -> str:
    """The commit to build on: the local branch, else the remote's copy of it, else none."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/{remote}/{branch}"):
        done = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", ref + "^{commit}"],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            return done.stdout.strip()
    return ""
