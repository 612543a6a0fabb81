"""Time an edit inside `filmpage serve`: from a record's save to its page served changed.

    python bench/serve_edit.py 10000 [--rounds 5] [--dir /tmp/filmpage-bench]

Generates N films (bench/generate.py) unless they are there, starts `filmpage serve` on
them in a child process, waits for its first build, then R times: writes a new tagline
into one record and asks for that film's page every 5 ms until the page carries it. The
time from the end of the write to the first page that carries it covers the watcher
noticing the save, the rebuild (in the server's process, with its state in memory) and
the page being served. Prints each round and the median.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/filmpage-bench"))
    args = parser.parse_args()
    root = args.dir / f"serve-{args.n}"
    if not (root / "content/films").is_dir():
        generate(args.n, root)
    record = root / "content/films/film-000000.md"
    text = record.read_text()
    server = subprocess.Popen(
        [sys.executable, "-m", "filmpage", "serve", "--root", str(root), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = _address(server) + "films/film-000000/"
        times = []
        for number in range(args.rounds):
            time.sleep(2.5)  # the last save well in the past, as when someone types
            token = f"Edited tagline {number} {time.time_ns()}"
            record.write_text(text.replace("runtime:", f"tagline: {token}\nruntime:", 1))
            saved = time.perf_counter()
            while token not in _get(url):
                time.sleep(0.005)
            times.append(time.perf_counter() - saved)
            print(f"round {number + 1}: {times[-1]:.3f} s", flush=True)
        print(f"median {statistics.median(times):.3f} s over {args.rounds} edits, {args.n} films")
    finally:
        server.terminate()
        server.wait()
        record.write_text(text)


def _address(server: subprocess.Popen) -> str:
    """The address the server prints once its first build is done."""
    for line in server.stdout:
        if " at http" in line:
            return line.split(" at ", 1)[1].split(" ", 1)[0].split(";", 1)[0]
    raise SystemExit("the server ended before it said where it serves")


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()
    except OSError:
        return ""


if __name__ == "__main__":
    main()
