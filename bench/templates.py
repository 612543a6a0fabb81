"""What one template costs against another source for it, in one engine and one process.

    python bench/templates.py SITE TEMPLATE OTHER [--pages 3000] [--rounds 5]

Builds SITE once in this process (``--jobs 1``, into a temporary folder; the store it
makes is removed after), keeping what its render stage was given; then renders the first
N pages of the site's first language made from TEMPLATE (say ``film.html``) with the
template the build used (the theme's, or the site's own) and with the source in the file
OTHER (an older theme's ``film.html``, a variant), alternating (which goes first, too),
R rounds, and prints each one's median milliseconds a page (and its range) and the ratio
of the first to OTHER. Both see the same environment (the templates they extend and
import, the filters and the films), so the ratio is of whole pages that differ in
TEMPLATE alone; the pages are not written. CPU time of this process: steadier than wall
time on a busy machine, but give it rounds: the template against a copy of itself gave
0.88 with 2 rounds and 1.00 to 1.03 with 6 on a loaded machine.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

import filmpage.commands.build as build_module
import filmpage.commands.output as output_module
from filmpage.commands.plan import PLAN
from filmpage.pages import Page
from filmpage.render import resolve
from filmpage.store import store_place


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("template")
    parser.add_argument("other", type=Path)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    jobs = []
    render_chunk = output_module._render_chunk

    def kept(job, indices):  # the render stage's job: the environments and the pages
        jobs.append(job)
        return render_chunk(job, indices)

    output_module._render_chunk = kept
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site"
        build_module.build(args.site, out=out, clean=True, jobs=1)
        place, name = store_place(out, args.site)
        for file in place.glob(f"{name}.*"):  # (the store of an output elsewhere)
            file.unlink()
        with contextlib.suppress(OSError):  # its folder too, when nothing else is in it
            place.rmdir()
    job = jobs[0]
    pages = [p if isinstance(p, Page) else Page(p.path, p.template, PLAN.loads(p.spec))
             for p in job.pages if p.template == args.template]  # fmt: skip
    if not pages:
        raise SystemExit(f"no page of {args.site} is made from {args.template}")
    language = pages[0].context["lang"]
    env = job.envs[language]
    prefix = env.language.prefix  # (each page as render_page shows it: within its language)
    pages = [Page(p.path.removeprefix(prefix), p.template, p.context)
             for p in pages if p.context["lang"] == language][: args.pages]  # fmt: skip
    contexts = [resolve(p.context, env.globals["cards"].films) for p in pages]
    templates = {
        "as built": env.get_template(args.template),
        str(args.other): env.from_string(args.other.read_text(encoding="utf-8")),
    }

    def render(template) -> float:
        begun = time.process_time()
        for page, context in zip(pages, contexts, strict=True):
            template.render(page=page, **context)
        return (time.process_time() - begun) / len(pages) * 1e3

    for template in templates.values():  # once untimed: the pieces a page shows, made
        render(template)
    times: dict[str, list[float]] = {name: [] for name in templates}
    for round_ in range(args.rounds):  # (which goes first alternating too)
        for name, template in list(templates.items())[:: 1 if round_ % 2 else -1]:
            times[name].append(render(template))
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, median in medians.items():
        low, high = min(times[name]), max(times[name])
        print(f"{name:<40}{median:8.3f} ms a page ({low:.3f} to {high:.3f})")
    ours, other = medians.values()
    print(f"{len(pages)} pages of {args.template} in {language}, {args.rounds} rounds: "
          f"as built / {args.other.name} = {ours / other:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
