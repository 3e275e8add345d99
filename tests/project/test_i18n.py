"""The English catalogue is complete and compiled."""

from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    """(msgid, [msgstr…], fuzzy) for each entry of a .po file, joined across continuation lines."""
    entries, current, key, fuzzy = [], None, None, False
    for line in text.splitlines() + [""]:
        if not line.strip():
            if current is not None:
                entries.append(
                    (current.get("msgid", ""), [v for k, v in current.items() if k.startswith("msgstr")], fuzzy)
                )
            current, key, fuzzy = None, None, False
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        if line.startswith("#"):
            continue
        current = current if current is not None else {}
        if line.startswith('"'):
            current[key] += line.strip()[1:-1]
        else:
            key, _, value = line.partition(" ")
            current[key] = value.strip()[1:-1]
    return entries


def test_every_string_has_an_english_translation():
    entries = [e for e in _entries(PO.read_text(encoding="utf-8")) if e[0]]
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstrs, _ in entries if not all(msgstrs)]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    assert untranslated == [] and fuzzy == []


def test_catalogue_is_compiled_and_used():
    assert PO.with_suffix(".mo").exists(), "run `manage.py compilemessages` (make test does)"
    with translation.override("en"):
        assert translation.gettext("ダッシュボード") == "Dashboard"
    with translation.override("ja"):
        assert translation.gettext("ダッシュボード") == "ダッシュボード"


def test_defaults_are_japanese_in_tokyo():
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert [code for code, _ in settings.LANGUAGES] == ["ja", "en"]
