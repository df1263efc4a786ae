"""Both languages complete: every text the code marks for translation has its Chinese, and the
English pages show English.

The msgids are English, so the English catalogue's entries stay empty on purpose (gettext shows
the msgid); an English entry is untranslated when its msgid is Chinese with no English in it
(an example of Chinese input, "e.g. 停车, 加装电梯", is English text about Chinese data), or
when it is fuzzy. The Chinese catalogue must translate every entry, keep
every placeholder, carry no fuzzy guess, and be compiled. scripts/catalogue.py builds both from
the code and locale/fragments/*.tsv; when this test fails, add the Chinese to a fragment and run
it (``python scripts/catalogue.py``).
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
ZH = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
EN = ROOT / "locale/en/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
# What scripts/catalogue.py leaves out of makemessages.
IGNORED_DIRS = {".venv", ".git", "staticfiles", "tests", "media", "node_modules", "__pycache__"}


def entries(po):
    return [e for e in po if not e.obsolete]


def key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid)


def shown(entry) -> str:
    return (f"[{entry.msgctxt}] " if entry.msgctxt else "") + entry.msgid.splitlines()[0][:100]


def report(title: str, found: list) -> str:
    more = f"\n  … and {len(found) - 30} more" if len(found) > 30 else ""
    return f"{title} ({len(found)}):\n  " + "\n  ".join(found[:30]) + more


@pytest.fixture(scope="module")
def zh():
    return polib.pofile(str(ZH))


@pytest.fixture(scope="module")
def en():
    return polib.pofile(str(EN))


def test_every_chinese_entry_is_translated(zh):
    missing = [shown(e) for e in entries(zh) if not e.translated()]
    assert not missing, report("untranslated in the Chinese catalogue", missing)


def test_no_entry_is_a_fuzzy_guess(zh, en):
    fuzzy = [f"{name}: {shown(e)}" for name, po in (("zh_Hans", zh), ("en", en)) for e in po if "fuzzy" in e.flags]
    assert not fuzzy, report("fuzzy entries (msgmerge's guesses, never shown)", fuzzy)


def test_the_chinese_keeps_every_placeholder(zh):
    broken = []
    for e in entries(zh):
        wanted = set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural or ""))
        texts = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        for text in texts:
            got = set(PLACEHOLDER.findall(text))
            # A plural's Chinese may name the count once for both forms; it must invent none.
            if not got <= wanted or (not e.msgid_plural and got != wanted):
                broken.append(f"{shown(e)} -> {text[:60]}")
    assert not broken, report("placeholders lost or invented in the Chinese", broken)


def test_every_english_entry_reads_in_english(en):
    """An English page shows the msgid: it must be English, unless the catalogue gives English."""
    chinese_only = [
        shown(e) for e in entries(en) if not e.translated() and CJK.search(e.msgid) and not LATIN.search(e.msgid)
    ]
    assert not chinese_only, report("msgids in Chinese with no English in the English catalogue", chinese_only)


def test_both_catalogues_hold_the_same_texts(zh, en):
    only_zh = sorted(shown(e) for e in entries(zh) if key(e) not in {key(x) for x in entries(en)})
    only_en = sorted(shown(e) for e in entries(en) if key(e) not in {key(x) for x in entries(zh)})
    assert not only_zh and not only_en, report("only in one catalogue", only_zh + only_en)


def test_the_chinese_catalogue_is_compiled(zh):
    mo = polib.mofile(str(ZH.with_suffix(".mo")))
    compiled = {key(e): (e.msgstr, e.msgstr_plural) for e in mo}
    stale = [shown(e) for e in entries(zh) if compiled.get(key(e)) != (e.msgstr, e.msgstr_plural)]
    assert not stale, report("changed in django.po but not compiled into django.mo", stale)


@pytest.fixture(scope="module")
def texts_in_the_code(tmp_path_factory) -> dict[tuple, str]:
    """Every msgid the code marks today: makemessages run on a copy of the source tree."""
    if shutil.which("xgettext") is None:
        pytest.fail("makemessages needs GNU gettext (apt-get install gettext)")
    copy = tmp_path_factory.mktemp("source") / "src"
    shutil.copytree(
        ROOT,
        copy,
        # The suite's own SQLite databases come and go while it runs.
        ignore=lambda folder, names: [
            n for n in names if n in IGNORED_DIRS or n.endswith((".po", ".mo")) or n.startswith("test-db")
        ],
        symlinks=True,
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE" and not k.startswith("PYTEST")} | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PORTAL_TESTING": "1",
        "DEBUG": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))
    return {key(e): shown(e) for e in entries(fresh)}


def test_every_text_in_the_code_is_in_both_catalogues(texts_in_the_code, zh, en):
    """GIVEN a new {% translate %} or gettext() in the code, WHEN the catalogue was not rebuilt,
    THEN this fails and names the text (English pages would show it, Chinese ones would not)."""
    for name, po in (("zh_Hans", zh), ("en", en)):
        known = {key(e) for e in entries(po) if name == "en" or e.translated()}
        missing = sorted(text for k, text in texts_in_the_code.items() if k not in known)
        assert not missing, report(
            f"marked for translation in the code but missing from the {name} catalogue "
            "(add the Chinese to locale/fragments/*.tsv, then run scripts/catalogue.py)",
            missing,
        )
