"""The project's one error type, and the collector that gathers every problem of a run.

A build reports all its problems together, so stages do not raise on the first bad
value: they add a :class:`Problem` to a :class:`Problems` and carry on. Whatever must
stop the run at once raises :class:`FilmpageError`, which carries the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning, placed as precisely as we know: file, line, column, field."""

    file: str
    line: int = 0
    column: int = 0
    field: str = ""
    message: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        place = self.file or "filmpage"
        if self.line:
            place += f":{self.line}"
            if self.column:
                place += f":{self.column}"
        prefix = "warning: " if self.severity == "warning" else ""
        where = f" {self.field}:" if self.field else ""
        return f"{place}: {prefix}{where.strip()}{' ' if where else ''}{self.message}"


class FilmpageError(Exception):
    """A user error: the CLI prints it without a traceback and exits 1.

    It holds one or more problems, so a whole build's report travels as one exception.
    """

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(file="", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        # Keep every placed problem when the error crosses a process boundary.
        return (FilmpageError, (self.problems,))


@dataclass
class Problems:
    """Collects the errors and warnings of one run, to be reported together, sorted."""

    items: list[Problem] = field(default_factory=list)

    def error(self, file: str, line: int, column: int, field: str, message: str) -> None:
        self.items.append(Problem(file, line, column, field, message, "error"))

    def warning(self, file: str, line: int, column: int, field: str, message: str) -> None:
        self.items.append(Problem(file, line, column, field, message, "warning"))

    def extend(self, other: Problems | list[Problem]) -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == "error")

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == "warning")

    def raise_if_errors(self, strict: bool = False) -> None:
        """Raise one FilmpageError holding every problem, when there is an error (or, when
        ``strict``, a warning, which then counts as an error)."""
        items = self.items
        if strict:
            items = [replace(p, severity="error") for p in items]
        if any(p.severity == "error" for p in items):
            raise FilmpageError(items)


def machine_error(exc: OSError) -> str:
    """An error of the machine rather than of the content (a full disk, a folder that
    cannot be written), as one line with its file."""
    where = f": {exc.filename}" if exc.filename else ""
    return f"error: {exc.strerror or exc}{where}"
