"""Refresh the translation catalogues and fill the Chinese one.

    python scripts/catalogue.py          # makemessages, fill, compile, report
    python scripts/catalogue.py --check  # exit 1 if any zh_Hans entry is untranslated

The Chinese translations live in tab-separated files in locale/fragments/ (English
msgid, Chinese text; one file per part of the product, so several people can add
strings without editing the same file). The .po is regenerated from the code and
filled from them; msgmerge's fuzzy guesses are never kept.
"""

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"


def fragments() -> dict[str, str]:
    table: dict[str, str] = {}
    for path in sorted((ROOT / "locale/fragments").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" in line and not line.startswith("#"):
                en, zh = line.split("\t", 1)
                table[en.replace("\\n", "\n")] = zh.replace("\\n", "\n")
    return table


def main() -> int:
    check = "--check" in sys.argv
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PORTAL_TESTING": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    if not check:
        PO.unlink(missing_ok=True)  # rebuilt from the code and the fragments
        ignore = ["--ignore", ".venv/*", "--ignore", "staticfiles/*", "--ignore", "tests/*", "--ignore", "media/*"]
        subprocess.run(
            [*manage, "makemessages", "-l", "zh_Hans", "-l", "en", "--no-obsolete", *ignore],
            check=True,
            env=env,
            cwd=ROOT,
        )
    po = polib.pofile(str(PO))
    table = fragments()
    filled = 0
    for entry in po:
        if "fuzzy" in entry.flags:
            # msgmerge's guess from a similar old string: never trust it, translate afresh.
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural} if entry.msgid_plural else entry.msgstr_plural
            entry.previous_msgid = entry.previous_msgid_plural = None
        if entry.msgid_plural:
            if not any(entry.msgstr_plural.values()) and entry.msgid in table:
                entry.msgstr_plural = {0: table[entry.msgid]}
                filled += 1
        elif not entry.msgstr and entry.msgid in table:
            entry.msgstr = table[entry.msgid]
            filled += 1
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    if not check:
        po.save()
        subprocess.run([*manage, "compilemessages", "--ignore", ".venv"], check=True, env=env, cwd=ROOT)
    print(f"zh_Hans: {len(po)} entries, {filled} filled now, {len(missing)} untranslated")
    for msgid in missing[:50]:
        print("  untranslated:", msgid.splitlines()[0][:100])
    return 1 if (check and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
