"""The message catalogues: every string of the theme in the template, translated in
every shipped language, and compiled as the package ships it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from .conftest import REPO

SOURCE = REPO / "src" / "filmpage"
LOCALES = SOURCE / "locales"
REQUIRED = {"fr", "de", "es", "it", "pt", "nl", "zh_Hans", "ja"}  # and English, the source
FORMAT = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _po(path: Path):
    with open(path, "rb") as handle:
        return read_po(handle)


def _shipped() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/filmpage.po"))


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def test_the_catalogue_template_holds_every_string_of_the_theme_and_the_code():
    """What ``pybabel extract`` (the README's command) finds now is what the template
    holds: a string added to a template or the code without extracting fails here."""
    with open(REPO / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "Nn_": (1, 2)}
    found = {
        message if isinstance(message, str) else tuple(message)
        for _, _, message, _, _ in extract_from_dir(
            str(SOURCE), method_map, options_map, keywords=keywords
        )
    }
    template = _ids(_po(LOCALES / "filmpage.pot"))
    assert found == template
    labels = {m for m in template if isinstance(m, str)}
    for label in ("Plot Summary", "Customer Reviews", "Cast & Crew", "Viewers Also Bought"):
        assert label in labels  # templates, and a setting's default
    assert ("Director", "Directors") in template  # a label the code makes


@pytest.mark.parametrize("language", sorted(REQUIRED))
def test_every_string_is_translated_in_every_shipped_language(language):
    assert set(_shipped()) >= REQUIRED
    template = _po(LOCALES / "filmpage.pot")
    catalog = _po(LOCALES / language / "LC_MESSAGES" / "filmpage.po")
    assert not catalog.fuzzy
    assert _ids(catalog) == _ids(template)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert "fuzzy" not in message.flags, message.id
        assert all(strings) and len(strings) == (catalog.num_plurals if len(ids) > 1 else 1), (
            message.id
        )
        allowed = {a or b for i in ids for a, b in FORMAT.findall(i)}
        for string in strings:
            assert {a or b for a, b in FORMAT.findall(string)} <= allowed, (message.id, string)


@pytest.mark.parametrize("language", _shipped())
def test_each_compiled_catalogue_is_its_source_compiled(language):
    """The package reads the ``.mo`` files: they must say what the ``.po`` files do (the
    README's ``pybabel compile`` after each change)."""
    folder = LOCALES / language / "LC_MESSAGES"
    compiled = io.BytesIO()
    write_mo(compiled, _po(folder / "filmpage.po"))
    compiled.seek(0)
    with open(folder / "filmpage.mo", "rb") as handle:
        shipped = read_mo(handle)
    made = read_mo(compiled)

    def pairs(catalog) -> set:
        frozen = lambda value: tuple(value) if isinstance(value, list | tuple) else value  # noqa: E731
        return {(frozen(m.id), frozen(m.string)) for m in catalog if m.id}

    assert pairs(shipped) == pairs(made)
