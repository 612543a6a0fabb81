"""Benchmark filmpage builds on a synthetic catalogue, reporting ratios measured in one run.

    python bench/run.py 10000 [--seed 1] [--dir /tmp/filmpage-bench]

    python bench/run.py 10000 --growth 100000 [--pairs 3]
    python bench/run.py 10000 --pairs 3
    python bench/run.py 10000 --against ../filmpage-old [--pairs 3]
    python bench/run.py 10000 --against ../filmpage-old --edits [--pairs 12]
    python bench/run.py 10000 --against ../filmpage-old --theme bench/plain-theme

Generates N films (bench/generate.py), then times, each in a fresh child process:
a first build (no output, no cache) with one process (the peer every ratio is against),
a cold build with all cores (no cache, the last output still there), a first build with
all cores, a rebuild with nothing changed, a rebuild after one film's details are edited
(its runtime), one after its genres are edited (it moves between lists), and one after a
template is edited. When `hugo` is installed (Debian package `hugo`), the same records
are then built with Hugo through the equivalent theme in bench/hugo (bench/hugo_site.py),
cold and after one edit, and every row is also given as a ratio to Hugo's cold build.
Prints wall time, CPU time and peak memory (the PSS of the child and its workers, summed).
With --growth M: only cold builds of N and of M films, and their ratio (with --pairs R,
R rounds of the two and the median ratio).
With --pairs R: only R alternating first builds of filmpage and cold builds of Hugo.
With --against CHECKOUT: only alternating first builds of this filmpage and of the one in
another checkout (its src/ put first on PYTHONPATH), to measure a change in one run (the
medians of each, their ratio and the median of the pairs' ratios, of wall time, CPU time,
peak memory and user CPU time alone: the system's grows with the disk's state); with
--edits as well, alternating edits instead, each checkout building its own copy of the
catalogue (built once first, untimed): nothing changed, one film's details edited (its
runtime, toggled), one film's genres edited (Western, toggled), each R times.
Timings on shared machines are noisy: compare the ratios, and rerun to see the spread.

Old outputs and caches are moved into a trash folder and deleted after the last timed
build, never just before one: ext4 passes over the inodes freed in the last minutes when
it makes new files, so deleting a site of 40,000 files made the next build, of either
tool, slower (filmpage at 10,000 films: 19.9 and 20.7 s after moving the old output
aside, 21.4 and 24.7 s after deleting it, the extra all in system time), and in a pair
the tool that built first paid most of it.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from hugo_site import make_hugo_site  # noqa: E402

_discarded = itertools.count()


def discard(folder: Path, trash: Path) -> None:
    """Move a folder into ``trash`` (same file system: a rename), to be deleted after the
    timed builds."""
    if folder.exists():
        trash.mkdir(parents=True, exist_ok=True)
        folder.rename(trash / f"{os.getpid()}-{next(_discarded)}")


def run(root: Path, *args: str, env: dict | None = None) -> tuple[float, float, int, str]:
    """Run `filmpage build` in a child; (wall s, CPU s, peak PSS MB of its process tree,
    summary)."""
    return measure([sys.executable, "-m", "filmpage", "build", *args], root, env)


def measure(
    command: list[str], root: Path, env: dict | None = None
) -> tuple[float, float, int, str]:
    """Run a command in a child; (wall s, CPU s, peak MB, its output): :func:`usage`'s."""
    wall, user, system, peak, out = usage(command, root, env)
    return wall, user + system, peak, out


def usage(
    command: list[str], root: Path, env: dict | None = None
) -> tuple[float, float, float, int, str]:
    """Run a command in a child; (wall s, user CPU s, system CPU s, peak MB, its output),
    the CPU of the child and its workers. The peak is of the
    proportional set size (PSS) summed over the child and every process under it, sampled
    every 20 ms: memory its workers share with it (forked) is counted once, shared among
    them, and memory of their own is counted too (a single process's peak RSS is neither).

    The disk is settled first: what earlier steps wrote (a generated catalogue of 500 MB,
    the last build's site) is flushed before the clock starts, so no command is charged
    for the writing back of another's files (the kernel does it in the background, on the
    same two cores, for half a minute after they are written).

    The child may write its modules' compiled bytecode (``PYTHONDONTWRITEBYTECODE`` is
    dropped), as an installed package has it; otherwise every run compiles the sixty
    modules of the checkout again."""
    os.sync()
    env = {k: v for k, v in (env or os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=err, text=True)
        peak = [0]
        done = threading.Event()
        sampler = threading.Thread(target=_sample_pss, args=(child.pid, peak, done))
        sampler.start()
        _, status, used = os.wait4(child.pid, 0)  # its CPU, and its workers'
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(err.read())
        return wall, used.ru_utime, used.ru_stime, peak[0] // 1024, out.read().strip()


def _sample_pss(pid: int, peak: list[int], done: threading.Event) -> None:
    """Keep in ``peak`` the largest PSS (kB) summed over ``pid`` and its descendants."""
    while not done.wait(0.02):  # (the child itself is there until it is waited for)
        total = sum(_pss(p) for p in _tree(pid))
        peak[0] = max(peak[0], total)


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
        except OSError:
            continue
    return found


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/filmpage-bench"))
    parser.add_argument(
        "--growth",
        type=int,
        metavar="M",
        help="instead: cold builds (all cores) of N and of M films, and their ratio",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        metavar="R",
        help="instead: R alternating first builds (all cores) and cold Hugo builds, "
        "each pair's ratio and the median (with --growth: R rounds of the two sizes)",
    )
    parser.add_argument(
        "--theme",
        type=Path,
        metavar="DIR",
        help="copy DIR/templates into the catalogue: bench/plain-theme, a theme of a few "
        "lines that an engine before the storefront theme renders too, compares engines "
        "without the cost of the theme's pages",
    )
    parser.add_argument(
        "--edits",
        action="store_true",
        help="with --against: alternating edits rather than first builds",
    )
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="instead: alternating first builds (all cores) of this filmpage and of the one "
        "in CHECKOUT (another clone, say at an older commit), --pairs of them (default 3)",
    )
    args = parser.parse_args()
    args.trash = args.dir / "trash"
    try:
        if args.edits and not args.against:
            parser.error("--edits goes with --against CHECKOUT")
        mode = edits if args.against and args.edits else against if args.against else None
        (growth if args.growth else mode or (pairs if args.pairs else full))(args)
    finally:
        shutil.rmtree(args.trash, ignore_errors=True)  # after the last timed build


def themed(root: Path, theme: Path | None) -> None:
    """The catalogue given ``theme``'s templates (``--theme``), which stand in for the
    built-in theme's of the same names."""
    if theme is not None:
        shutil.copytree(theme / "templates", root / "templates")


def full(args) -> None:
    """Every case, filmpage's and Hugo's, in one run."""
    root = args.dir / f"films-{args.n}"
    discard(root, args.trash)
    generate(args.n, root, args.seed)
    themed(root, args.theme)
    edited = root / "content/films/film-000000.md"
    template = root / "templates/person.html"
    rows = []

    def settle() -> None:
        time.sleep(2.5)  # let the files age past the racy-mtime window

    def cold() -> None:  # no cache at all: --clean alone would keep the image store
        discard(root / ".filmpage-cache", args.trash)

    cold()
    rows.append(("first build, 1 process", *run(root, "--clean", "--jobs", "1")))
    cold()
    rows.append((f"cold, {os.cpu_count()} processes", *run(root, "--clean")))
    cold()
    discard(root / "site", args.trash)
    rows.append((f"first build, {os.cpu_count()} proc.", *run(root, "--clean")))
    settle()
    rows.append(("no-op rebuild", *run(root)))
    edited.write_text(edited.read_text().replace("runtime: ", "runtime: 1", 1))
    rows.append(("one film's details edited", *run(root)))
    settle()
    edited.write_text(edited.read_text().replace("genres: [", "genres: [Western, ", 1))
    rows.append(("one film's genres edited", *run(root)))
    settle()
    template.parent.mkdir(exist_ok=True)
    template.write_text(
        '{% extends "base.html" %}{% block content %}{{ person.name }}{% endblock %}'
    )
    rows.append(("person template edited", *run(root)))
    hugo = shutil.which("hugo")
    if hugo:  # the same records through an equivalent Hugo theme, in the same run
        site = args.dir / f"hugo-{args.n}"
        make_hugo_site(root, site)
        command = [hugo, "--quiet", "--destination", "public"]
        rows.append(("hugo cold", *measure(command, site)))
        film = site / "content/films/film-000000.md"
        film.write_text(film.read_text().replace("runtime: ", "runtime: 1", 1))
        rows.append(("hugo, one film edited", *measure(command, site)))
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
    report(args, rows, version.split(" BuildDate")[0] if hugo else None)


def growth(args) -> None:
    """Cold builds of N and M films: is the build linear (M/N times as long)? With --pairs
    R, R rounds of the two, alternating, each round's ratio and the median: the machine's
    speed drifts by more than the margin over the two minutes of a large build."""
    roots = []
    for n in (args.n, args.growth):
        root = args.dir / f"films-{n}"
        discard(root, args.trash)
        generate(n, root, args.seed)
        roots.append((n, root))
    print(f"cold builds, {os.cpu_count()} processes, seed {args.seed}")
    print(f"{'films':>8}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}{'time ratio':>12}")
    ratios = []
    for _ in range(args.pairs or 1):
        results = []
        for n, root in roots:
            discard(root / "site", args.trash)
            discard(root / ".filmpage-cache", args.trash)
            results.append((n, *run(root, "--clean")))
        for n, wall, cpu, peak, _ in results:
            print(f"{n:>8}{wall:>9.2f}{cpu:>9.2f}{peak:>9}{wall / results[0][1]:>12.2f}")
        ratios.append(results[1][1] / results[0][1])
    if len(ratios) > 1:
        print(f"median time ratio {statistics.median(ratios):.2f}")


def pairs(args) -> None:
    """First builds of filmpage and cold builds of Hugo, alternating, R times: on a machine
    whose speed drifts, the ratio within each pair is steadier than any one figure."""
    hugo = shutil.which("hugo")
    if not hugo:
        raise SystemExit("--pairs needs hugo (Debian package hugo)")
    root = args.dir / f"films-{args.n}"
    discard(root, args.trash)
    generate(args.n, root, args.seed)
    themed(root, args.theme)
    site = args.dir / f"hugo-{args.n}"
    discard(site, args.trash)
    make_hugo_site(root, site)
    ratios = []
    print(f"{args.n} films, {os.cpu_count()} cores: filmpage first build / Hugo cold build")
    for _ in range(args.pairs):
        for folder in (
            root / "site",
            root / ".filmpage-cache",
            site / "public",
            site / "resources",
        ):
            discard(folder, args.trash)
        ours = run(root, "--clean")[0]
        theirs = measure([hugo, "--quiet", "--destination", "public"], site)[0]
        ratios.append(ours / theirs)
        print(f"filmpage {ours:8.2f} s   hugo {theirs:8.2f} s   ratio {ratios[-1]:.3f}")
    print(f"median ratio {statistics.median(ratios):.3f}")


def against(args) -> None:
    """First builds of this filmpage and of another checkout's, alternating (the first of
    each pair alternating too): a change measured against the code before it, in one run."""
    root = args.dir / f"films-{args.n}"
    discard(root, args.trash)
    generate(args.n, root, args.seed)
    themed(root, args.theme)
    other = {**os.environ, "PYTHONPATH": str((args.against / "src").resolve())}
    times: dict[str, list[tuple[float, float]]] = {"this": [], "other": []}
    print(f"{args.n} films, {os.cpu_count()} cores: first builds, this filmpage and {args.against}")
    for i in range(args.pairs or 3):
        for who in ("this", "other") if i % 2 == 0 else ("other", "this"):
            discard(root / "site", args.trash)
            discard(root / ".filmpage-cache", args.trash)
            command = [sys.executable, "-m", "filmpage", "build", "--clean"]
            wall, user, system, peak, _ = usage(command, root, other if who == "other" else None)
            times[who].append((wall, user + system, peak, user))
            print(f"{who:>6} {wall:8.2f} s wall {user + system:8.2f} s CPU ({user:.2f} user) "
                  f"{peak:6} MB PSS")  # fmt: skip
    for i, what in enumerate(("wall", "CPU", "peak PSS", "user CPU")):
        ours, theirs = (statistics.median(t[i] for t in times[k]) for k in ("this", "other"))
        paired = zip(times["this"], times["other"], strict=True)
        pairs = statistics.median(a[i] / b[i] for a, b in paired)
        print(f"median {what}: this {ours:.2f}, other {theirs:.2f}, ratio {ours / theirs:.3f} "
              f"(pairs' median {pairs:.3f})")  # fmt: skip


def edits(args) -> None:
    """Edits of one film, by this filmpage and another checkout's, each on its own copy of
    the catalogue, alternating (the first of each pair alternating too): the seconds of
    each, the medians and their ratio, and the median of the pairs' own ratios."""
    source = args.dir / f"films-{args.n}"
    discard(source, args.trash)
    generate(args.n, source, args.seed)
    themed(source, args.theme)
    this = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    other = {**os.environ, "PYTHONPATH": str((args.against / "src").resolve())}
    envs = {"this": this, "other": other}
    roots = {}
    for who in envs:
        roots[who] = args.dir / f"edits-{who}-{args.n}"
        discard(roots[who], args.trash)
        shutil.copytree(source / "content", roots[who] / "content")
        shutil.copy(source / "filmpage.yml", roots[who] / "filmpage.yml")
    time.sleep(2.5)  # the copies past the racy-mtime window of the build after them
    for who in envs:
        run(roots[who], env=envs[who])  # its first build, untimed
    record = "content/films/film-000000.md"
    original = (source / record).read_text()
    runtime = re.search(r"^runtime: (\d+)$", original, re.MULTILINE)
    genres = re.search(r"^genres: \[(.*)\]$", original, re.MULTILINE)
    assert runtime and genres, "film-000000 has a runtime and genres"
    other_genre = "Documentary" if "Documentary" not in genres[1] else "Western"

    def toggle(root: Path, old: str, new: str) -> None:  # the record and an edit, in turn
        text = (root / record).read_text()
        text = text.replace(new, old) if new in text else text.replace(old, new)
        (root / record).write_text(text)

    cases = {
        "nothing changed": lambda root: None,
        "details edited": lambda root: toggle(
            root, runtime[0], f"runtime: {int(runtime[1]) % 200 + 1}"
        ),
        "genres edited": lambda root: toggle(
            root, genres[0], f"genres: [{other_genre}, {genres[1]}]"
        ),
    }
    print(f"{args.n} films, {os.cpu_count()} cores: edits, this filmpage and {args.against}")
    for case, edit in cases.items():
        times: dict[str, list[float]] = {"this": [], "other": []}
        for i in range(args.pairs or 12):
            for who in ("this", "other") if i % 2 == 0 else ("other", "this"):
                edit(roots[who])
                times[who].append(run(roots[who], "-q", env=envs[who])[0])
        this, that = (statistics.median(times[k]) for k in ("this", "other"))
        ours, theirs = times["this"], times["other"]
        pairs_ = statistics.median(a / b for a, b in zip(ours, theirs, strict=True))
        print(f"{case:<16} this {this:6.3f} s  other {that:6.3f} s  ratio {this / that:.3f}"
              f"  (pairs' median {pairs_:.3f}; this {min(times['this']):.3f} to "
              f"{max(times['this']):.3f} s)")  # fmt: skip


def report(args, rows, hugo: str | None) -> None:
    peer = rows[0][1]
    print(
        f"{args.n} films, seed {args.seed}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    if hugo:
        print(hugo)
    hugo_wall = next((wall for name, wall, *_ in rows if name == "hugo cold"), None)
    header = f"{'build':<26}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}{'vs cold 1p':>12}"
    print(header + (f"{'vs hugo':>9}" if hugo_wall else "") + "  pages")
    for name, wall, cpu, peak, summary in rows:
        pages = summary[summary.find("(") + 1 : summary.find(")")]
        ratio = f"{wall / hugo_wall:>9.3f}" if hugo_wall else ""
        print(f"{name:<26}{wall:>9.2f}{cpu:>9.2f}{peak:>9}{wall / peer:>12.3f}{ratio}  {pages}")


if __name__ == "__main__":
    main()
