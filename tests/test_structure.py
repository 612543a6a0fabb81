"""The shape of the code: a pipeline with one direction of imports, no cycles, and
modules and functions small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from radon.complexity import cc_visit

SOURCE = Path(__file__).resolve().parents[1] / "src" / "filmpage"

LAYERS = [
    # what everything may use: errors, data, the theme's place, images, the store
    {
        "errors",
        "codec",
        "slugs",
        "theme",
        "yamltree",
        "markup",
        "images",
        "store",
        "inputs",
        "textrule",
        "names",
        "cardtext",
        "i18n",
        "formats",
        "money",
        "weblinks",
        "",
    },
    {"plainyaml", "yamldoc", "settings"},  # settings
    {"load"},  # load
    {
        "model",
        "identity",
        "record",
        "structured",
        "searchindex",
        "derive",
        "filmdata",
        "localized",
        "localtime",
        "programme",
        "sitecontent",
    },  # model
    {"suggest", "catalogue", "stats", "browse", "whatson"},  # catalogue
    {"pages", "listings"},  # pages
    {"templating", "translated", "templaterefs", "filters", "render", "pieces", "ical"},  # render
    {"write", "sweep"},  # write
    {"commands", "importing"},  # commands
    {"cli", "__main__"},  # cli
]
MAX_LINES = 400
MAX_COMPLEXITY = 20


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name under ``filmpage``."""
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def layer(module: str) -> int:
    top = module.split(".")[0]
    for number, names in enumerate(LAYERS):
        if top in names:
            return number
    raise AssertionError(f"filmpage.{module} has no place in the pipeline's layers")


def imports(module: str, path: Path) -> set[str]:
    """The modules of the package that ``module`` imports, anywhere in its code."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [f"{target}.{a.name}".strip(".") for a in node.names]
            found.update(n if n in modules() else target for n in names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("filmpage"):
            found.add(node.module.removeprefix("filmpage").strip("."))
    return {m for m in found if m in modules() and m != module}


def test_every_import_follows_the_pipeline():
    backwards = [
        f"filmpage.{module} imports filmpage.{other}"
        for module, path in modules().items()
        for other in imports(module, path)
        if layer(other) > layer(module)
    ]
    assert backwards == []


def test_no_modules_import_each_other_in_a_circle():
    graph = {module: imports(module, path) for module, path in modules().items()}
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            raise AssertionError(" -> ".join([*trail[trail.index(module) :], module]))
        if module in done:
            return
        for other in sorted(graph[module]):
            visit(other, [*trail, module])
        done.add(module)

    for module in graph:
        visit(module, [])


@pytest.mark.parametrize("module", sorted(modules()))
def test_no_module_is_longer_than_the_limit(module):
    lines = len(modules()[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"filmpage.{module} has {lines} lines"


def test_no_function_is_more_complex_than_the_limit():
    """Cyclomatic complexity as radon counts it: branches, loops, comprehensions and
    boolean operators."""
    tangled = [
        f"{path.relative_to(SOURCE)}:{block.lineno} {block.fullname} ({block.complexity})"
        for path in modules().values()
        for block in cc_visit(path.read_text())
        if block.complexity > MAX_COMPLEXITY
    ]
    assert tangled == []
