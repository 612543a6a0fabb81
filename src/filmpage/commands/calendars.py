"""The programme's calendar files, as extra outputs of the render stage: made again only
when what they are made from changed (the programme's files, the screened films' titles
and runtimes, the settings, the day), else kept as the last build wrote them."""

from __future__ import annotations

from .. import __version__
from ..ical import calendar_files
from ..store import digest
from ..write import Target
from .memory import Memory
from .plan import Site

FACT = "calendars"


def is_calendar(path: str) -> bool:
    return path == "programme.ics" or (path.startswith("programme/") and path.endswith(".ics"))


def calendar_outputs(
    site: Site, memory: Memory, target: Target
) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, str]]:
    """(files made, fingerprints of the files kept, facts to remember)."""
    made = f"{__version__}|{site.settings!r}|{site.today}|{sorted(site.screened.items())!r}"
    key = digest(made.encode() + site.whatson.digest).hex()
    before = memory.outputs()
    if not target.whole and before and memory.fact(FACT) == key:
        kept = {rel: fp for rel, fp in before.items() if is_calendar(rel)}
        return {}, kept, {FACT: key}
    files = calendar_files(site.whatson, site.screened, site.settings, site.today)
    return files, {}, {FACT: key}
