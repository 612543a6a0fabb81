"""Messages translated as templates compile (``filmpage.translated``): a ``{% trans %}``
block written out in the language must show exactly what Jinja's own i18n extension
shows, in every shipped language, for every count, with values escaped the same way."""

from __future__ import annotations

import gettext

import jinja2
import pytest
from markupsafe import Markup

from filmpage.errors import Problems
from filmpage.i18n import load_catalogue, shipped
from filmpage.translated import TranslatedBlocks

BLOCKS = """{% for n in counts %}
{% trans character=name %}as {{ character }}{% endtrans %}
{% trans count=n, n=n|string %}{{ n }} review{% pluralize %}{{ n }} reviews{% endtrans %}
{% trans count=n %}{{ count }} star{% pluralize %}{{ count }} stars{% endtrans %}
{% trans count=n, n=n, average=name %}Average {{ average }} out of 5 from {{ n }} rating\
{% pluralize %}Average {{ average }} out of 5 from {{ n }} ratings{% endtrans %}
{% trans a=name %}{{ a }} and {{ a }} again{% endtrans %}
{% trans a=name %}100%% {{ a }}{% endtrans %}
{% trans %}Plain {{ name }}{% endtrans %}
{% endfor %}"""

COUNTS = [0, 1, 2, 3, 5, 11, 21, 22, 101, 1_000_000, 2_000_000, 1_000_001]
VALUES = ["Ann", '<b>"Tom" & Jerry</b>', Markup("<i>safe</i>")]


def environment(extension, translations, autoescape: bool = True) -> jinja2.Environment:
    env = jinja2.Environment(extensions=[extension], autoescape=autoescape)
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations, newstyle=False)  # as filmpage does
    return env


@pytest.mark.parametrize("code", shipped())
@pytest.mark.parametrize("autoescape", [True, False])
def test_blocks_show_what_jinjas_extension_shows_in_every_language(code, autoescape):
    translations = load_catalogue(code, None, Problems()).translations
    jinjas = environment("jinja2.ext.i18n", translations, autoescape).from_string(BLOCKS)
    ours = environment(TranslatedBlocks, translations, autoescape).from_string(BLOCKS)
    for name in VALUES:
        expected = jinjas.render(counts=COUNTS, name=name)
        assert ours.render(counts=COUNTS, name=name) == expected


class Counting(gettext.NullTranslations):
    """A catalogue that counts how often it is asked."""

    asked = 0

    def gettext(self, message):
        Counting.asked += 1
        return message.replace("as ", "en tant que ")


def test_a_message_is_looked_up_as_the_template_compiles_not_on_every_page():
    template = environment(TranslatedBlocks, Counting()).from_string(
        "{% trans character=who %}as {{ character }}{% endtrans %}"
    )
    asked = Counting.asked
    pages = [template.render(who=f"<{n}>") for n in range(50)]
    assert Counting.asked == asked
    assert pages[3] == "en tant que &lt;3&gt;"


class CountingPlurals(gettext.NullTranslations):
    """A catalogue that counts how often its plural forms are asked for."""

    asked = 0

    def ngettext(self, singular, plural, n):
        CountingPlurals.asked += 1
        return (singular if n == 1 else plural).replace("review", "critique")


def test_a_plurals_forms_are_written_out_as_the_template_compiles():
    """The forms of a plural message are asked for once, as the template compiles (each
    then written out as template text); a page asks only which form its count takes."""
    asked = CountingPlurals.asked
    template = environment(TranslatedBlocks, CountingPlurals()).from_string(
        "{% trans count=n %}{{ count }} review{% pluralize %}{{ count }} reviews{% endtrans %}"
    )
    assert CountingPlurals.asked > asked  # (Jinja's own extension asks none as it compiles)
    compiled = CountingPlurals.asked
    assert [template.render(n=n) for n in (1, 7)] == ["1 critique", "7 critiques"]
    assert CountingPlurals.asked == compiled + 2
