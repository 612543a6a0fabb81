"""Publishing: `filmpage deploy` to a local bare repository, and the Actions workflow."""

from __future__ import annotations

import os
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


def git(cwd: Path, *args: str, input_text: str | None = None) -> str:
    import os

    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        check=True,
        input=input_text,
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


WORKFLOWS = REPO / ".github" / "workflows"


def _workflow(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True)  # YAML 1.1 reads 'on' as true
    return data


@pytest.mark.parametrize("workflow", ["init", "repo"])
def test_pages_workflow_gets_the_address_from_github_and_builds_strictly(tmp_path, workflow):
    if workflow == "init":
        init_site(tmp_path / "new")
        path = tmp_path / "new" / WORKFLOW_PATH
    else:
        path = REPO / WORKFLOW_PATH
    data = _workflow(path)
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert set(data["on"]["push"]["branches"]) >= {"main"}
    steps = data["jobs"]["build"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/configure-pages@"))
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    build_step = next(s for s in steps if "filmpage build" in s.get("run", ""))
    assert uses.index(pages["uses"]) < steps.index(build_step)
    assert install["run"] == "python -m pip install -r requirements.txt"
    expected = "${{ steps." + pages["id"] + ".outputs.base_url }}"
    assert build_step["env"] == {"BASE_URL": expected}
    assert build_step["run"] == 'filmpage build --strict --base-url "$BASE_URL/"'
    assert uses[-1].startswith("actions/upload-pages-artifact@")
    deploy_job = data["jobs"]["deploy"]
    assert deploy_job["needs"] == "build"
    assert deploy_job["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert deploy_job["environment"]["name"] == "github-pages"


def test_this_repositorys_workflows_publish_as_init_does_and_run_the_tests(tmp_path):
    init_site(tmp_path / "new")
    made = _workflow(tmp_path / "new" / WORKFLOW_PATH)
    ours = _workflow(REPO / WORKFLOW_PATH)
    assert ours["jobs"]["deploy"] == made["jobs"]["deploy"]
    assert {**ours["jobs"]["build"], "needs": None} == {**made["jobs"]["build"], "needs": None}
    assert ours["jobs"]["build"]["needs"] == "test"
    assert (REPO / "requirements.txt").read_text().splitlines()[-1] == "."  # this checkout
    for name in ("pages.yml", "tests.yml", "release.yml"):
        runs = [s.get("run") for s in _workflow(WORKFLOWS / name)["jobs"]["test"]["steps"]]
        assert "bash .ci/run" in runs, name
    assert set(_workflow(WORKFLOWS / "tests.yml")["on"]) >= {"push", "pull_request"}


def test_release_workflow_checks_and_publishes_with_trusted_publishing():
    data = _workflow(WORKFLOWS / "release.yml")
    assert data["on"] == {"push": {"tags": ["v*"]}}
    assert data["permissions"] == {"contents": "read"}
    dist = "\n".join(s.get("run", "") for s in data["jobs"]["dist"]["steps"])
    assert "python -m build" in dist and "twine check --strict dist/*" in dist
    assert data["jobs"]["dist"]["needs"] == "test"
    publish = data["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}  # trusted publishing: no token
    assert publish["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    assert "with" not in publish["steps"][-1]  # no password


def test_the_release_builds_an_sdist_and_a_wheel_that_twine_passes(tmp_path):
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    from filmpage import __version__

    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == [f"filmpage-{__version__}-py3-none-any.whl", f"filmpage-{__version__}.tar.gz"]
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_site_made_by_filmpage_from_git_builds_with_the_filmpage_it_names(tmp_path):
    """As GitHub's runner will: filmpage installed from a git URL makes a site with init;
    a fresh environment installs the site's requirements.txt and builds it strictly."""
    import os
    import shutil
    import venv

    source = tmp_path / "filmpage-src"  # this working tree, committed, as a git repository
    files = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    for name in files:
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    git(source, "init", "-q", "-b", "main")
    git(source, "add", ".")
    git(source, "commit", "-q", "-m", "filmpage")
    commit = git(source, "rev-parse", "HEAD")

    def environment(name: str) -> Path:
        folder = tmp_path / name
        venv.EnvBuilder(with_pip=True).create(folder)
        return folder / "bin"

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def run(*args: str, cwd: Path = tmp_path) -> str:
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done.stdout + done.stderr

    maker = environment("maker")
    run(str(maker / "python"), "-m", "pip", "install", "-q", f"git+{source.as_uri()}@{commit}")
    said = run(str(maker / "filmpage"), "init", "club")
    assert "a git repository on this machine" in said  # GitHub could not reach this one
    requirement = (tmp_path / "club/requirements.txt").read_text().splitlines()[-1]
    assert requirement == f"git+{source.as_uri()}@{commit}"
    builder = environment("builder")
    run(str(builder / "python"), "-m", "pip", "install", "-q", "-r", "requirements.txt",
        cwd=tmp_path / "club")  # fmt: skip
    run(str(builder / "filmpage"), "build", "--strict", "--base-url",
        "https://alice.github.io/club/", cwd=tmp_path / "club")  # fmt: skip
    page = (tmp_path / "club/site/films/example-film/index.html").read_text()
    assert 'href="/club/css/filmpage.css"' in page


def test_init_names_a_wheel_it_was_installed_from_and_ships_it(tmp_path, monkeypatch):
    import json

    from filmpage.commands import scaffold

    wheel = tmp_path / "filmpage-9.9.9-py3-none-any.whl"
    wheel.write_bytes(b"PK")

    class Recorded:
        def read_text(self, name):
            return json.dumps({"url": wheel.as_uri(), "archive_info": {}})

    monkeypatch.setattr(scaffold.importlib.metadata, "distribution", lambda name: Recorded())
    _, origin = init_site(tmp_path / "club")
    assert origin.requirement == f"./wheels/{wheel.name}" and not origin.note
    assert (tmp_path / "club/wheels" / wheel.name).read_bytes() == b"PK"
    assert (tmp_path / "club/requirements.txt").read_text().endswith(f"./wheels/{wheel.name}\n")


@pytest.mark.parametrize(
    ("recorded", "requirement"),
    [
        (None, "filmpage=={version}"),
        (
            {"url": "https://github.com/a/filmpage.git",
             "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            "git+https://github.com/a/filmpage.git@abc123",
        ),
        (
            {"url": "https://example.org/filmpage-1.0-py3-none-any.whl", "archive_info": {}},
            "filmpage @ https://example.org/filmpage-1.0-py3-none-any.whl",
        ),
    ],
)  # fmt: skip
def test_init_names_the_filmpage_it_came_from(tmp_path, monkeypatch, recorded, requirement):
    import json

    from filmpage import __version__
    from filmpage.commands import scaffold

    class Recorded:
        def read_text(self, name):
            return json.dumps(recorded) if recorded else None

    monkeypatch.setattr(scaffold.importlib.metadata, "distribution", lambda name: Recorded())
    _, origin = init_site(tmp_path / "club")
    assert origin.requirement == requirement.format(version=__version__)
    assert origin.note == ""


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_an_unchanged_site_makes_no_commit(repo, tmp_path):
    first = deploy(repo, build(repo).out)
    again = deploy(repo, repo / "site")
    assert not again.changed and again.commit == first.commit
    assert git(tmp_path / "origin.git", "rev-list", "--count", "gh-pages") == "1"
    result = _cli("deploy", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"Nothing to publish: branch 'gh-pages' already holds this site ({first.commit[:12]})."
    )


def test_no_push_and_dry_run_say_what_they_did(repo, tmp_path):
    bare = tmp_path / "origin.git"
    build(repo)
    stamp = (repo / "site/index.html").stat().st_mtime_ns
    dry = _cli("deploy", "--root", str(repo), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert re.fullmatch(
        r"Dry run: would publish \d+ files from \S*site as last built to branch 'gh-pages' and "
        r"push it to 'origin'; nothing was built, committed or pushed\.\n",
        dry.output,
    )
    assert (repo / "site/index.html").stat().st_mtime_ns == stamp
    assert git(repo, "branch", "--list", "gh-pages") == ""
    local = _cli("deploy", "--root", str(repo), "--no-push")
    assert re.fullmatch(
        r"Committed \d+ files to the local branch 'gh-pages' as [0-9a-f]{12}; not pushed "
        r"\(publish it with 'git push origin gh-pages'\)\.\n",
        local.output,
    )
    assert git(bare, "branch", "--list", "gh-pages") == ""
    pushed = _cli("deploy", "--root", str(repo))  # the same site: it pushes that commit
    assert pushed.output.endswith("; pushed it to 'origin', which did not have it yet.\n")
    assert git(bare, "rev-parse", "gh-pages") == git(repo, "rev-parse", "gh-pages")


def test_uncommitted_sources_are_warned_about(repo):
    (repo / "content/films/b.md").write_text(film("Beta"))
    result = _cli("deploy", "--root", str(repo), "--no-push")
    assert result.exit_code == 0
    assert (
        "warning: changes not committed in content/films/b.md: they are published, but are "
        "not in the repository's history" in result.output
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "beta")
    assert "warning" not in _cli("deploy", "--root", str(repo), "--no-push").output


def test_an_edit_not_staged_is_warned_about_by_its_whole_path(repo):
    """git lists a change not staged with a space first (" M path"): the warning names
    the path whole, not without its first letter."""
    with (repo / "content/films/a.md").open("a") as record:
        record.write("\nOne more line.\n")
    (repo / "content/films/new one.md").write_text(film("Gamma"))
    result = _cli("deploy", "--root", str(repo), "--no-push")
    assert result.exit_code == 0
    assert "changes not committed in content/films/a.md, content/films/new one.md:" in (
        result.output
    )
    (repo / os.fsdecode(b"static/caf\xe9.txt")).parent.mkdir()
    (repo / os.fsdecode(b"static/caf\xe9.txt")).write_bytes(b"a name not in UTF-8")
    result = _cli("deploy", "--root", str(repo), "--no-push", "--no-build")
    assert result.exit_code == 0 and "static/caf\ufffd.txt:" in result.output  # no traceback


def test_a_file_name_that_is_not_utf8_is_an_error_naming_it(repo):
    (repo / os.fsdecode(b"content/caf\xe9.txt")).write_bytes(b"x")
    result = _cli("build", "--root", str(repo))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "content/caf?.txt: the file's name is not UTF-8; rename it" in result.output


def test_a_github_project_remote_and_a_base_url_that_does_not_match_are_warned_about(repo):
    (repo / "filmpage.yml").write_text("title: Club\n")
    git(repo, "commit", "-q", "-am", "no address")
    git(repo, "remote", "set-url", "origin", "git@github.com:Alice/club.git")
    result = _cli("deploy", "--root", str(repo), "--no-push")
    assert result.exit_code == 0, result.output
    assert (
        "warning: 'origin' is a GitHub repository that Pages publishes at "
        "https://alice.github.io/club/, but base_url is '/': the site's links would break "
        "there; set base_url: https://alice.github.io/club/ in filmpage.yml, or pass "
        "--base-url https://alice.github.io/club/" in result.output
    )
    fixed = _cli(
        "deploy", "--root", str(repo), "--no-push", "--base-url", "https://alice.github.io/club/"
    )
    assert "warning" not in fixed.output


@pytest.mark.parametrize(
    ("url", "cname", "address"),
    [
        ("https://github.com/alice/club.git", "", "https://alice.github.io/club/"),
        ("ssh://git@github.com/alice/club", "", "https://alice.github.io/club/"),
        ("git@github.com:Alice/alice.github.io.git", "", "https://alice.github.io/"),
        ("git@github.com:alice/club.git", "films.example.org", "https://films.example.org/"),
        ("https://gitlab.com/alice/club.git", "", None),
    ],
)
def test_where_github_pages_publishes_a_repository(url, cname, address):
    from filmpage.commands.deploy import github_pages_address

    assert github_pages_address(url, cname) == address


def test_the_checked_out_branch_and_branches_holding_the_sources_are_refused(repo, tmp_path):
    build(repo)
    head = git(repo, "rev-parse", "HEAD")
    with pytest.raises(FilmpageError, match="--branch 'main' is checked out"):
        deploy(repo, repo / "site", branch="main")
    git(repo, "branch", "sources")
    with pytest.raises(FilmpageError, match="--branch 'sources' holds the site's sources"):
        deploy(repo, repo / "site", branch="sources")
    git(repo, "worktree", "add", "-q", "-b", "elsewhere", str(tmp_path / "other-worktree"))
    with pytest.raises(FilmpageError, match="--branch 'elsewhere' is checked out"):
        deploy(repo, repo / "site", branch="elsewhere")
    assert git(repo, "rev-parse", "HEAD", "main", "sources") == "\n".join([head] * 3)
    assert git(tmp_path / "origin.git", "branch", "--list") == ""


def test_a_refused_push_leaves_no_local_branch_and_says_what_was_written(repo, tmp_path):
    git(repo, "remote", "set-url", "origin", str(tmp_path / "missing.git"))
    result = _cli("deploy", "--root", str(repo))
    assert result.exit_code == 1
    assert "the push to 'origin' was refused" in result.output
    assert result.output.splitlines()[-1].endswith("site was built; no branch was changed.")
    assert "nothing was written" not in result.output
    assert git(repo, "branch", "--list", "gh-pages") == ""
    assert (repo / "site/index.html").is_file()


def test_a_stale_local_branch_gives_way_to_the_remotes(repo, tmp_path):
    bare = tmp_path / "origin.git"
    published = deploy(repo, build(repo).out)
    # a leftover of a failed deploy elsewhere: a local gh-pages apart from origin's
    tree = git(repo, "mktree", input_text="")
    orphan = git(repo, "commit-tree", tree, "-m", "leftover")
    git(repo, "update-ref", "refs/heads/gh-pages", orphan)
    (repo / "content/films/b.md").write_text(film("Beta"))
    result = deploy(repo, build(repo).out)
    assert result.changed and result.parent == published.commit
    assert any("behind or apart from origin's" in note for note in result.notes)
    assert git(bare, "rev-parse", "gh-pages^") == published.commit
    assert git(repo, "rev-parse", "gh-pages") == git(bare, "rev-parse", "gh-pages")


@pytest.mark.parametrize("name", ["bad..name", "-x", "a b", "x.lock", "refs/../x", "@", "a~1"])
def test_invalid_branch_names_are_refused_and_leave_no_ref(repo, name):
    build(repo)
    with pytest.raises(FilmpageError) as info:
        deploy(repo, repo / "site", branch=name, push=False)
    assert str(info.value) == f"filmpage: --branch {name!r}: not a valid git branch name"
    assert git(repo, "for-each-ref", "--format=%(refname)", "refs/heads") == "refs/heads/main"


def test_a_wrong_branch_name_is_refused_before_the_site_is_built(repo):
    result = _cli("deploy", "--root", str(repo), "--branch", "bad..name")
    assert result.exit_code != 0
    assert "--branch 'bad..name': not a valid git branch name" in result.output
    assert not (repo / "site").exists()  # no build for a deploy that cannot happen


@pytest.mark.parametrize("setting", ["core.autocrlf=true", "core.autocrlf=input", "attributes"])
def test_the_published_files_are_the_sites_bytes_whatever_gits_line_endings(repo, setting):
    (repo / "static").mkdir()
    (repo / "static/data.csv").write_bytes(b"a,b\r\n1,2\r\n")
    if setting == "attributes":  # the user's attributes file, as core.attributesFile names it
        (repo.parent / "attributes").write_text("* text=auto eol=lf\n")
        git(repo, "config", "core.attributesFile", str(repo.parent / "attributes"))
    else:
        git(repo, "config", *setting.split("="))
    build(repo)
    deploy(repo, repo / "site")
    published = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "blob", "gh-pages:data.csv"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    assert published == (repo / "site/data.csv").read_bytes() == b"a,b\r\n1,2\r\n"


def test_the_workflow_init_writes_has_a_daily_rebuild_to_take_up(tmp_path):
    init_site(tmp_path / "new")
    path = tmp_path / "new" / WORKFLOW_PATH
    assert "schedule" not in _workflow(path)["on"]  # a site without a programme needs none
    text = path.read_text().replace("  #schedule:", "  schedule:")  # the two '#' taken out
    path.write_text(text.replace("  #  - cron", "    - cron"))
    assert _workflow(path)["on"]["schedule"] == [{"cron": "17 4 * * *"}]


@pytest.mark.parametrize("name", ["origin/gh-pages", "refs/heads/gh-pages"])
def test_a_branch_named_with_its_remote_or_its_ref_is_refused(repo, name):
    build(repo)
    with pytest.raises(FilmpageError) as info:
        deploy(repo, repo / "site", branch=name)
    assert str(info.value).startswith(f"filmpage: --branch {name!r}: give the branch's own name")
    assert git(repo, "for-each-ref", "--format=%(refname)", "refs/heads") == "refs/heads/main"


def test_a_branch_deleted_on_the_remote_is_published_again(repo, tmp_path):
    bare = tmp_path / "origin.git"
    first = deploy(repo, build(repo).out)
    git(bare, "branch", "-D", "gh-pages")  # deleted there (on GitHub, say)
    again = deploy(repo, repo / "site")
    assert again.pushed and git(bare, "rev-parse", "gh-pages") == first.commit
    other = tmp_path / "other.git"  # the remote's address changed to an empty repository
    git(tmp_path, "init", "-q", "--bare", str(other))
    git(repo, "remote", "set-url", "origin", str(other))
    assert deploy(repo, repo / "site").pushed
    assert git(other, "rev-parse", "gh-pages") == first.commit
