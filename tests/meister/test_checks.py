"""The system check that warns when PDFs would have no Japanese font."""

from meister import checks


def test_a_japanese_font_is_installed_here():
    # make test installs fonts-ipaexfont; PDFs depend on it.
    assert any("IPAex" in family for family in checks.japanese_fonts())
    assert checks.check_japanese_font(None) == []


def test_warns_without_a_japanese_font(monkeypatch):
    monkeypatch.setattr(checks, "japanese_fonts", lambda: [])
    warnings = checks.check_japanese_font(None)
    assert [w.id for w in warnings] == ["meister.W001"]
    assert "fonts-ipaexfont" in warnings[0].hint


def test_missing_fc_list_means_no_fonts(monkeypatch):
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    assert checks.japanese_fonts() == []
