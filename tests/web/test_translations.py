"""The UI speaks Vietnamese by default and English on request: the catalogues are complete
and compiled."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "web" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "N_": None, "lazy_gettext": None}


def catalog(lang: str, kind: str = "po"):
    path = TRANSLATIONS / lang / "LC_MESSAGES" / f"messages.{kind}"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang) if kind == "po" else read_mo(handle)


def source_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_ui_string_is_translated(lang):
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(lang) if m.id}
    missing = sorted(source_messages() - set(messages))
    assert not missing, f"run pybabel extract/update (see babel.cfg): {missing[:10]}"
    untranslated = sorted(k for k, m in messages.items() if not m.string or m.fuzzy)
    assert not untranslated, f"{lang}: untranslated or fuzzy: {untranslated[:10]}"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_compiled_catalogue_matches_the_po_file(lang):
    po = {m.id: m.string for m in catalog(lang) if m.id and not m.fuzzy}
    mo = {m.id: m.string for m in catalog(lang, "mo") if m.id}
    assert mo == po, f"run `pybabel compile -d {TRANSLATIONS.relative_to(ROOT)}`"


def test_vietnamese_placeholders_match_the_english_ones():
    import re
    for message in catalog("vi"):
        if message.id and isinstance(message.id, str):
            wanted = sorted(re.findall(r"%\(\w+\)\w", message.id))
            assert sorted(re.findall(r"%\(\w+\)\w", message.string)) == wanted, message.id
