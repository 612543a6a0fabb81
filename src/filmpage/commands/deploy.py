"""Publish a built site to a branch of the site's git repository (``gh-pages`` by default).

Like ghp-import, but with git plumbing only: the site's files are added to a temporary
index, written as a tree and committed on top of the branch's history, then pushed. The
user's working tree, index and current branch are never touched, and:

* the branch must be a valid name, not checked out anywhere, and not hold the sources;
* it builds on the remote's branch when the local one is stale (behind or diverged);
* a site that is as the branch already holds it makes no commit ("nothing to publish");
* the commit is pushed first and the local branch moved only once the push succeeded,
  so a refused push leaves no local ref behind;
* it warns about sources not committed, and about a ``base_url`` that does not match
  where GitHub Pages will publish a project repository.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import FilmpageError, Problems
from ..settings import SETTINGS_FILE, Settings, load_settings
from ..write import MARKER, is_complete, is_ours

SOURCES = ("content", "templates", "static", SETTINGS_FILE)
MARKS = (SETTINGS_FILE, "content/films")  # a branch holding either holds a site's sources
NULL = "0" * 40
_GITHUB = re.compile(
    r"(?:git@github\.com:|(?:ssh|https?|git)://(?:[^@/]+@)?github\.com/)"
    r"(?P<owner>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$"
)


@dataclass(frozen=True)
class DeployResult:
    branch: str
    commit: str  # the commit the branch holds now (the new one); empty on a dry run
    tree: str
    files: int
    pushed: bool
    changed: bool = True  # False: the branch held this site already, nothing committed
    parent: str = ""  # the commit published on top of ("" for the branch's first)
    notes: tuple[str, ...] = ()  # warnings: uncommitted sources, a base_url that will break


def _git(repo: Path, *args: str, env: dict | None = None) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise FilmpageError(f"git {args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def _ok(repo: Path, *args: str) -> str | None:
    """A git command's output, or None when it fails (a question git answers by failing)."""
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def find_repository(root: Path) -> Path:
    """The top of the git repository holding ``root``, or a clear error."""
    top = _ok(root, "rev-parse", "--show-toplevel")
    if top is None:
        raise FilmpageError(
            f"{root.resolve()}: not inside a git repository; run 'git init' "
            "and add a remote, or publish with the GitHub Actions workflow"
        )
    return Path(top)


def check_branch_name(branch: str) -> None:
    """A name git takes for a branch as it is (``git check-ref-format --branch`` gives it
    back unchanged: ``@`` would stand for the current branch), or an error."""
    valid = (
        not branch.startswith("-")
        and branch not in ("@", "HEAD")
        and _ok(Path("."), "check-ref-format", "--branch", branch) == branch
    )
    if not valid:
        raise FilmpageError(f"--branch {branch!r}: not a valid git branch name")


def deploy(
    root: Path,
    site: Path,
    branch: str = "gh-pages",
    remote: str = "origin",
    message: str = "Publish site with filmpage",
    push: bool = True,
    dry_run: bool = False,
    settings: Settings | None = None,
) -> DeployResult:
    """Commit the built ``site`` folder as the new state of ``branch`` and push it;
    ``settings`` (default: the site's) are checked against where GitHub will publish."""
    repo = _checked(root, site, branch, remote, push)
    settings = settings if settings is not None else load_settings(root, Problems())
    notes = (*_uncommitted(repo, root), *_address_check(repo, remote, settings))
    tree, files = _site_tree(repo, site)
    if push and not dry_run:  # learn where the remote's branch is now
        mapping = f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"
        if _ok(repo, "fetch", "--quiet", remote, mapping) is None:
            _forget_if_gone(repo, remote, branch)
    local = _commit_of(repo, f"refs/heads/{branch}")
    parent, stale = _parent(repo, local, _commit_of(repo, f"refs/remotes/{remote}/{branch}"))
    if stale:
        notes += (f"the local branch '{branch}' is behind or apart from {remote}'s; published "
                  f"on top of {remote}'s",)  # fmt: skip
    if parent and _git(repo, "rev-parse", parent + "^{tree}") == tree:
        pushed = push and not dry_run and _push_if_behind(repo, remote, branch, parent)
        if local != parent and not dry_run:  # a stale local branch: now the remote's
            _git(repo, "update-ref", f"refs/heads/{branch}", parent, local or NULL)
        return DeployResult(branch, parent, tree, files, pushed, False, parent, notes)
    if dry_run:
        return DeployResult(branch, "", tree, files, False, True, parent, notes)
    args = ["commit-tree", tree, "-m", message] + (["-p", parent] if parent else [])
    commit = _git(repo, *args)
    if push:  # the commit itself, before any local ref moves: a refusal leaves none
        _push(repo, remote, branch, commit)
    _git(repo, "update-ref", f"refs/heads/{branch}", commit, local or NULL)
    if push:
        _ok(repo, "update-ref", f"refs/remotes/{remote}/{branch}", commit)
    return DeployResult(branch, commit, tree, files, push, True, parent, notes)


def _checked(root: Path, site: Path, branch: str, remote: str, push: bool) -> Path:
    """The repository to publish from, once the site, the branch and the remote are fit
    for it; else a FilmpageError saying what to do."""
    if not is_ours(site):
        raise FilmpageError(f"{site}: no built site here; run 'filmpage build' first")
    if not is_complete(site):
        raise FilmpageError(f"{site}: the last build was cut short; run 'filmpage build' again")
    return check_destination(root, branch, remote, push)


def check_destination(root: Path, branch: str, remote: str, push: bool) -> Path:
    """The repository to publish ``root`` from, once the branch and the remote are fit
    for it (asked before a build too, so that a wrong name costs no build); else a
    FilmpageError saying what to do."""
    check_branch_name(branch)
    repo = find_repository(root)
    remotes = _git(repo, "remote").split()
    if push and remote not in remotes:
        raise FilmpageError(
            f"the repository has no remote '{remote}'; add one with 'git "
            f"remote add {remote} URL', or pass --remote or --no-push"
        )
    first = branch.split("/", 1)[0]
    if "/" in branch and (first in remotes or first == "refs"):  # origin/gh-pages, refs/heads/x
        raise FilmpageError(
            f"--branch {branch!r}: give the branch's own name (like 'gh-pages'): the remote "
            "is --remote, and a branch named so would be taken for another ref"
        )
    _refuse_source_branch(repo, root, branch)
    return repo


def _push(repo: Path, remote: str, branch: str, commit: str) -> None:
    done = subprocess.run(
        ["git", "-C", str(repo), "push", remote, f"{commit}:refs/heads/{branch}"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise FilmpageError(
            f"the push to '{remote}' was refused: {done.stderr.strip()}; the local "
            f"branch '{branch}' was left as it was"
        )


def _site_tree(repo: Path, site: Path) -> tuple[str, int]:
    """The git tree of the site's files (our marker left out), and how many there are."""
    git_dir = _git(repo, "rev-parse", "--absolute-git-dir")
    with tempfile.TemporaryDirectory(prefix="filmpage-deploy-") as scratch:
        env = {
            **os.environ,
            "GIT_INDEX_FILE": str(Path(scratch) / "index"),
            "GIT_DIR": git_dir,
            "GIT_WORK_TREE": str(site.resolve()),
        }
        site_dir = site.resolve()
        # the files' bytes as they are: no line endings changed (core.autocrlf, which
        # Git for Windows sets, or a 'text' attribute of the user's attributes file, would
        # turn a CSV's CRLF into LF on the branch)
        exact = ("-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "core.eol=lf",
                 "-c", f"core.attributesFile={os.devnull}")  # fmt: skip
        _git(site_dir, *exact, "add", "--all", "--force", ".", env=env)
        _git(site_dir, "rm", "--cached", "--quiet", "--ignore-unmatch", MARKER, env=env)
        tree = _git(site_dir, "write-tree", env=env)
        files = len(_git(site_dir, "ls-files", env=env).splitlines())
    return tree, files


def _refuse_source_branch(repo: Path, root: Path, branch: str) -> None:
    """Publishing replaces a branch's files with the site's: refuse a branch that is
    checked out (here or in another worktree) or that holds the site's sources."""
    ref = f"refs/heads/{branch}"
    listed = _git(repo, "worktree", "list", "--porcelain").splitlines()
    if f"branch {ref}" in listed or _ok(repo, "symbolic-ref", "--quiet", "HEAD") == ref:
        raise FilmpageError(
            f"--branch {branch!r} is checked out; publishing would replace your files with "
            "the built site. Publish to another branch"
            + (" (gh-pages)" if branch != "gh-pages" else ", or check out another here")
        )
    paths = _in_repo(repo, root, MARKS)
    for candidate in (ref, *_remote_refs(repo, branch)):
        held = _commit_of(repo, candidate) and _ok(repo, "ls-tree", "--name-only", candidate,
                                                   "--", *paths)  # fmt: skip
        if held:
            raise FilmpageError(
                f"--branch {branch!r} holds the site's sources ({held.splitlines()[0]}); "
                "publishing would replace them with the built site. Publish to another "
                "branch (gh-pages)"
            )


def _in_repo(repo: Path, root: Path, names: tuple[str, ...]) -> list[str]:
    """The paths of the site's ``names`` from the top of the repository."""
    rel = root.resolve().relative_to(repo.resolve()).as_posix()
    return [name if rel == "." else f"{rel}/{name}" for name in names]


def _remote_refs(repo: Path, branch: str) -> list[str]:
    names = (_ok(repo, "for-each-ref", "--format=%(refname)", "refs/remotes/") or "").split()
    return [name for name in names if name.endswith(f"/{branch}")]


def _commit_of(repo: Path, ref: str) -> str:
    return _ok(repo, "rev-parse", "--verify", "--quiet", ref + "^{commit}") or ""


def _parent(repo: Path, local: str, remote: str) -> tuple[str, bool]:
    """The commit to build on, and whether the local branch was passed over as stale:
    the local branch when it is the remote's or ahead of it (commits not pushed yet),
    else the remote's (the local one is behind, or a leftover apart from it)."""
    if not local or not remote or local == remote:
        return local or remote, False
    if _ok(repo, "merge-base", "--is-ancestor", remote, local) is not None:
        return local, False
    return remote, True


def _forget_if_gone(repo: Path, remote: str, branch: str) -> None:
    """When the remote no longer has the branch (deleted there, or the remote's address
    changed), forget where it was: the site is then pushed, not taken as published."""
    if _ok(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}") == "":
        _ok(repo, "update-ref", "-d", f"refs/remotes/{remote}/{branch}")


def _push_if_behind(repo: Path, remote: str, branch: str, commit: str) -> bool:
    """Push ``commit`` when the remote's branch is not at it (a commit made with
    --no-push, say); whether it was pushed."""
    if _commit_of(repo, f"refs/remotes/{remote}/{branch}") == commit:
        return False
    done = subprocess.run(
        ["git", "-C", str(repo), "push", remote, f"{commit}:refs/heads/{branch}"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise FilmpageError(f"the push to '{remote}' was refused: {done.stderr.strip()}")
    return True


def _uncommitted(repo: Path, root: Path) -> list[str]:
    """A warning when the site's sources have changes not committed: the published site
    holds them, and the repository does not."""
    paths = _in_repo(repo, root, SOURCES)
    # bytes: with -z git writes names as they are, UTF-8 or not (shown, a bad byte as �)
    args = ["status", "--porcelain", "-z", "--untracked-files=all", "--", *paths]
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True)
    status = done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""
    changed = _porcelain_paths(status)
    if not changed:
        return []
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return [
        f"changes not committed in {', '.join(changed[:3])}{more}: they are published, "
        "but are not in the repository's history"
    ]


def _porcelain_paths(status: str) -> list[str]:
    """The paths of ``git status --porcelain -z``: each entry two status letters, a
    space and the path (the first letter a space for a change not staged), a rename's
    entry followed by the path it had, which is not listed."""
    paths, entries = [], iter(status.split("\0"))
    for entry in entries:
        if len(entry) > 3:
            paths.append(entry[3:])
            if "R" in entry[:2] or "C" in entry[:2]:
                next(entries, None)
    return paths


def github_pages_address(url: str, cname: str = "") -> str | None:
    """Where GitHub Pages publishes the repository at ``url`` (a GitHub remote), or None
    for another host: a custom domain's root, a user or organisation site's root, or a
    project site's ``/REPO/``."""
    match = _GITHUB.match(url.strip())
    if match is None:
        return None
    owner, repo = match["owner"].lower(), match["repo"]
    if cname:
        return f"https://{cname}/"
    if repo.lower() == f"{owner}.github.io":
        return f"https://{owner}.github.io/"
    return f"https://{owner}.github.io/{repo}/"


def _address_check(repo: Path, remote: str, settings: Settings) -> list[str]:
    """A warning when ``remote`` is a GitHub repository whose Pages address is not the
    site's ``base_url`` (its path, and its host when it has one): links would break."""
    url = _ok(repo, "remote", "get-url", remote)
    expected = github_pages_address(url, settings.cname) if url else None
    if expected is None:
        return []
    wanted = Settings(base_url=expected)
    if settings.base_path == wanted.base_path and (
        not settings.has_host or settings.site_origin.lower() == wanted.site_origin
    ):
        return []
    return [
        f"'{remote}' is a GitHub repository that Pages publishes at {expected}, but "
        f"base_url is {settings.base_url!r}: the site's links would break there; set "
        f"base_url: {expected} in {SETTINGS_FILE}, or pass --base-url {expected}"
    ]
