"""System checks: PDFs need a Japanese font; a deployment must not carry the demo logins."""

import shutil
import subprocess

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


@register(Tags.security, deploy=True)
def check_demo_off_in_deployment(app_configs, **kwargs):
    if settings.DEMO_ENABLED and not settings.DEBUG:
        return [
            Error(
                "MEISTER_DEMO is on with DEBUG off: seed_demo could create demo logins with a published password.",
                hint="Unset MEISTER_DEMO (or set it to false) in production.",
                id="meister.E001",
            )
        ]
    return []
