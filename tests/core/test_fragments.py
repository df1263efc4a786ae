"""A template drawn once per shape (core.fragments): the same output as the template engine's,
text escaped as the template escapes it, one shape per flags and language, dropped when the
settings change."""

import copy

import pytest
from django.utils import translation

from core import fragments

TEMPLATE = (
    "{% load i18n %}<h1>{% translate 'Search' %}</h1>"
    "{% if searched %}<p>{% blocktranslate %}Results for “{{ q }}”{% endblocktranslate %}</p>{% endif %}"
    '<input value="{{ q_value }}">{{ rows }}'
    '{% if page.has_next %}<a href="{{ page.next_url }}">{{ page.number }}</a>{% endif %}'
)


@pytest.fixture
def template(settings, tmp_path):
    (tmp_path / "fragment.html").write_text(TEMPLATE, encoding="utf-8")
    engines = copy.deepcopy(settings.TEMPLATES)
    engines[0]["DIRS"] = [tmp_path, *engines[0]["DIRS"]]
    settings.TEMPLATES = engines
    settings.DEBUG = False
    return "fragment.html"


def both(template, **parts) -> tuple[str, str]:
    return fragments.render(template, framed=True, **parts), fragments.render(template, framed=False, **parts)


CASES = [
    {"flags": {"searched": False, "page__has_next": False}, "safe": {"rows": ""}, "text": {"q_value": ""}},
    {
        "flags": {"searched": True, "page__has_next": True},
        "safe": {"rows": "<li>一</li><li>二</li>"},
        "text": {"q_value": "<script>\"'&", "q": "养老 <b>", "page__next_url": "?q=a&page=2", "page__number": 2},
    },
    {
        "flags": {"searched": True, "page__has_next": False},
        "safe": {"rows": "<li>三</li>"},
        "text": {"q_value": "交通", "q": "交通", "page__next_url": "", "page__number": 1},
    },
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_the_output_is_the_template_engines(template, language, case):
    with translation.override(language):
        framed, direct = both(template, **CASES[case])
        again, _ = both(template, **CASES[case])
    assert framed == direct == again


def test_text_is_escaped_and_html_is_not(template):
    framed = fragments.render(template, **CASES[1])
    assert "&lt;script&gt;&quot;&#x27;&amp;" in framed
    assert "“养老 &lt;b&gt;”" in framed
    assert 'href="?q=a&amp;page=2"' in framed
    assert "<li>一</li><li>二</li>" in framed


def test_each_shape_and_language_is_drawn_once(template, monkeypatch):
    drawn = []
    real = fragments.render_to_string
    monkeypatch.setattr(fragments, "render_to_string", lambda *a, **k: drawn.append(a[0]) or real(*a, **k))
    fragments._reset()
    for _ in range(3):
        for case in CASES:
            fragments.render(template, **case)
    assert len(drawn) == 3
    with translation.override("en"):
        assert "Results for" in fragments.render(template, **CASES[1])
    assert len(drawn) == 4


def test_the_shapes_are_dropped_when_the_settings_change(template, settings, tmp_path):
    before = fragments.render(template, **CASES[0])
    (tmp_path / "fragment.html").write_text("<p>{{ q_value }}</p>", encoding="utf-8")
    settings.TEMPLATES = copy.deepcopy(settings.TEMPLATES)
    after = fragments.render(template, **CASES[0])
    assert before != after == "<p></p>"


def test_under_debug_the_template_is_read_every_time(template, settings, tmp_path):
    fragments.render(template, **CASES[0])
    settings.DEBUG = True
    (tmp_path / "fragment.html").write_text("<p>{{ q_value }}!</p>", encoding="utf-8")
    assert fragments.render(template, **CASES[0]) == "<p>!</p>"
