"""Publishing: `filmpage deploy` to a local bare repository, and the Actions workflow."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from filmpage.cli import main
from filmpage.commands.build import build
from filmpage.commands.deploy import deploy
from filmpage.commands.scaffold import WORKFLOW_PATH, init_site
from filmpage.errors import FilmpageError
from filmpage.write import JOURNAL

from .conftest import REPO, film, write_site

GIT_ENV = {
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def git(cwd: Path, *args: str) -> str:
    import os

    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A site in a git repository with a commit on main and a bare 'origin' beside it."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    root = write_site(
        tmp_path / "site-repo",
        {"a.md": film("Alpha")},
        settings="title: Club\ncname: films.example.org\nbase_url: https://films.example.org/\n",
    )
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text("site/\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "content")
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(root, "remote", "add", "origin", str(bare))
    return root


def _tree(repo_or_bare: Path, ref: str) -> set[str]:
    return set(git(repo_or_bare, "ls-tree", "-r", "--name-only", ref).splitlines())


def test_deploy_publishes_the_site_as_one_commit_on_gh_pages(repo, tmp_path):
    build(repo)
    (repo / "content/films/b.md").write_text(film("Beta"))  # uncommitted work stays put
    status_before = git(repo, "status", "--porcelain")
    result = deploy(repo, repo / "site")
    assert result.pushed
    bare = tmp_path / "origin.git"
    site_files = {
        p.relative_to(repo / "site").as_posix() for p in (repo / "site").rglob("*") if p.is_file()
    } - {".filmpage-site"}
    assert _tree(bare, "gh-pages") == site_files
    assert {".nojekyll", "CNAME", "index.html", "films/alpha/index.html"} <= site_files
    assert git(bare, "show", "gh-pages:CNAME") == "films.example.org"
    assert git(repo, "branch", "--show-current") == "main"
    assert git(repo, "status", "--porcelain") == status_before
    build(repo)
    second = deploy(repo, repo / "site", message="Again")
    assert git(bare, "rev-parse", "gh-pages^") == result.commit
    assert git(bare, "log", "-1", "--format=%s", "gh-pages") == "Again"
    assert second.commit != result.commit
    assert "films/beta/index.html" in _tree(bare, "gh-pages")


def test_dry_run_changes_nothing(repo, tmp_path):
    build(repo)
    result = deploy(repo, repo / "site", dry_run=True)
    assert result.commit == "" and result.files > 5
    assert git(repo, "branch", "--list", "gh-pages") == ""


def test_deploy_command_builds_first(repo):
    result = CliRunner().invoke(main, ["deploy", "--root", str(repo), "--branch", "pages"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Published \d+ files to 'origin', branch 'pages', as commit", result.output)
    assert "index.html" in _tree(repo, "pages")


def test_not_a_git_repository(tmp_path):
    root = write_site(tmp_path / "plain", {"a.md": film()})
    build(root)
    with pytest.raises(FilmpageError, match="not inside a git repository"):
        deploy(root, root / "site")


def test_refused_push_is_a_clear_error(repo, tmp_path):
    build(repo)
    git(repo, "remote", "set-url", "origin", str(tmp_path / "missing.git"))
    with pytest.raises(FilmpageError, match="the push to 'origin' was refused"):
        deploy(repo, repo / "site")


def test_missing_remote_and_unbuilt_site(repo):
    with pytest.raises(FilmpageError, match="no built site here"):
        deploy(repo, repo / "site")
    build(repo)
    with pytest.raises(FilmpageError, match="has no remote 'upstream'"):
        deploy(repo, repo / "site", remote="upstream")


def test_a_site_left_half_updated_is_not_published(repo):
    build(repo)
    (repo / "site" / JOURNAL).write_bytes(b"")  # what an update cut short leaves
    with pytest.raises(FilmpageError, match="the last build was cut short"):
        deploy(repo, repo / "site", push=False)


def test_bad_cname_setting_is_an_error(site):
    write_site(site, {"a.md": film()}, settings="cname: 'https://x.org/'\n")
    with pytest.raises(FilmpageError, match="cname: expected a domain name"):
        build(site)


@pytest.mark.parametrize("workflow", ["init", "repo"])
def test_pages_workflow_is_valid_with_the_expected_jobs(tmp_path, workflow):
    if workflow == "init":
        init_site(tmp_path / "new")
        path = tmp_path / "new" / WORKFLOW_PATH
    else:
        path = REPO / WORKFLOW_PATH
    data = yaml.safe_load(path.read_text())
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert set(data[True]["push"]["branches"]) >= {"main"}  # YAML 1.1 reads 'on' as True
    build_steps = data["jobs"]["build"]["steps"]
    uses = [s.get("uses", "") for s in build_steps]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any("filmpage build" in s.get("run", "") for s in build_steps)
    deploy_job = data["jobs"]["deploy"]
    assert deploy_job["needs"] == "build"
    assert deploy_job["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert deploy_job["environment"]["name"] == "github-pages"
