"""The programme's calendar files, as extra outputs of the render stage: made again only
when what they are made from changed (the programme's files, the screened films' titles
and runtimes, the settings, the day), else kept as the last build wrote them. Their
events are made by a worker of the build's pool, started once the site is checked, while
this process plans the pages.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import __version__
from ..store import digest
from ..write import Target
from .memory import Memory
from .parallel import Pool
from .plan import Site

FACT = "calendars"
Calendars = Callable[[], tuple[dict[str, bytes], dict[str, bytes], dict[str, str]]]
"""Gives (files made, fingerprints of the files kept, facts to remember)."""


def is_calendar(path: str) -> bool:
    return path == "programme.ics" or (path.startswith("programme/") and path.endswith(".ics"))


def _events(job: tuple, screenings: list) -> dict[str, bytes]:
    from ..ical import screening_events  # (icalendar: imported only by a build that needs it)

    films, settings, today = job
    return screening_events(screenings, films, settings, today)


def start_calendars(site: Site, memory: Memory, target: Target, pool: Pool) -> Calendars:
    """Start making the calendars (unless the last build's stand, every one of them in
    the output); the function returned gives them."""
    made = f"{__version__}|{site.settings!r}|{site.today}|{sorted(site.screened.items())!r}"
    key = digest(made.encode() + site.whatson.digest).hex()
    facts = {FACT: key}
    before = memory.outputs()
    kept = {rel: fp for rel, fp in before.items() if is_calendar(rel)}
    if not target.whole and before and memory.fact(FACT) == key and all(map(target.holds, kept)):
        return lambda: ({}, kept, facts)
    screenings = site.whatson.screenings()
    job = (site.screened, site.settings, site.today)
    wait = pool.start(_events, screenings, job) if screenings else lambda: []

    def finish() -> tuple[dict[str, bytes], dict[str, bytes], dict[str, str]]:
        from ..ical import calendar_files

        events = {key: data for part in wait() for key, data in part.items()}
        return calendar_files(site.whatson, events, site.settings), {}, facts

    return finish
