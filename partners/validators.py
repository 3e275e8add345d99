"""Validators for Japanese identifiers: MEXT school codes and 法人番号 (corporate numbers)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# type (letter + digit, e.g. D1 高等学校) · prefecture 01–47 · establishment 1/2/3 · number · check
SCHOOL_CODE_RE = re.compile(r"^[A-Z][0-9](0[1-9]|[1-3][0-9]|4[0-7])[123][0-9]{7}[0-9A-Z]$")


def validate_school_code(value: str) -> None:
    """The published form of a 学校コード; its check character's algorithm is not published."""
    if not SCHOOL_CODE_RE.match(value or ""):
        raise ValidationError(
            _("学校コードは13桁（学校種2桁・都道府県2桁・設置者1桁・番号7桁・検査文字1桁）で入力してください。"),
            code="school_code",
        )


def corporate_number_check_digit(base12: str) -> int:
    """9 − (Σ Pn×Qn mod 9), Pn the n-th digit from the right, Qn 1 for odd n and 2 for even n."""
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def validate_corporate_number(value: str) -> None:
    if not re.fullmatch(r"[0-9]{13}", value or ""):
        raise ValidationError(_("法人番号は13桁の数字で入力してください。"), code="corporate_number_format")
    if int(value[0]) != corporate_number_check_digit(value[1:]):
        raise ValidationError(_("法人番号のチェックデジットが一致しません。"), code="corporate_number_check")
