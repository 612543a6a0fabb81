"""Time reading records' YAML: filmpage's reader against libyaml's own, on the same texts.

    python bench/parsing.py /tmp/cat10k [--rounds 3]

For every record of a catalogue (``bench/generate.py``, with or without --escaped), the
front matter is parsed, in this process, by filmpage's reader (``yamldoc.parse``: the
plain reader where it can, else libyaml's events, keeping every value's position) and by
PyYAML's ``compose`` with libyaml's ``CSafeLoader`` (the C parser and composer: nodes
with their positions). Prints each one's CPU time (steadier than wall time on a busy
machine), the best of the rounds, and the ratio.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import yaml

from filmpage import yamldoc
from filmpage.errors import Problems


def fronts(root: Path) -> list[str]:
    texts = []
    for path in sorted((root / "content" / "films").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        texts.append(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    return texts


def best(parse, texts: list[str], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        for text in texts:
            parse(text)
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = fronts(args.root)
    ours = best(lambda t: yamldoc.parse(t, "f.md", Problems(), 1), texts, args.rounds)
    theirs = best(lambda t: yaml.compose(t, Loader=yaml.CSafeLoader), texts, args.rounds)
    print(f"{len(texts)} records, best of {args.rounds} rounds")
    print(f"filmpage's reader    {ours:8.3f} s")
    print(f"libyaml CSafeLoader  {theirs:8.3f} s")
    print(f"ratio                {ours / theirs:8.3f}")


if __name__ == "__main__":
    main()
