"""System checks: PDFs need a Japanese font on the machine that renders them."""

import shutil
import subprocess

from django.core.checks import Warning, register


def japanese_fonts() -> list[str]:
    """Font families fontconfig knows that cover Japanese."""
    if shutil.which("fc-list") is None:
        return []
    try:
        result = subprocess.run(
            ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted({line.strip() for line in result.stdout.splitlines() if line.strip()})


@register()
def check_japanese_font(app_configs, **kwargs):
    if japanese_fonts():
        return []
    return [
        Warning(
            "No Japanese font is installed: PDF reports will show empty boxes instead of Japanese text.",
            hint="Install one, e.g. `apt-get install fonts-ipaexfont` (scripts/install-system-packages does).",
            id="meister.W001",
        )
    ]
