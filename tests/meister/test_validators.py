import pytest
from django.core.exceptions import ValidationError

from partners.models import Establishment, Prefecture, School
from partners.validators import corporate_number_check_digit, validate_corporate_number, validate_school_code


@pytest.mark.parametrize("number", ["7123456789012", "4011001098993"])
def test_valid_corporate_numbers(number):
    validate_corporate_number(number)


@pytest.mark.parametrize(
    "number", ["1123456789012", "4011001098994", "401100109899", "40110010989934", "4O11001098993"]
)
def test_invalid_corporate_numbers(number):
    with pytest.raises(ValidationError):
        validate_corporate_number(number)


def test_check_digit_formula():
    assert corporate_number_check_digit("123456789012") == 7
    assert corporate_number_check_digit("011001098993") == 4


@pytest.mark.parametrize("code", ["D125210000012", "D213310000010", "D101110000019"])
def test_school_code_form(code):
    validate_school_code(code)


@pytest.mark.parametrize(
    "code",
    ["D12521000001", "D148210000012", "D100210000012", "D125410000012", "d125210000012", "D125210000012 "],
)
def test_school_code_refused(code):
    with pytest.raises(ValidationError):
        validate_school_code(code)


@pytest.mark.django_db
def test_school_code_must_match_prefecture_and_establishment():
    shiga = Prefecture.objects.get(code="25")
    school = School(code="D115210000025", name="テスト高校", prefecture=shiga, establishment=Establishment.PUBLIC)
    with pytest.raises(ValidationError) as raised:
        school.full_clean()
    assert "都道府県番号" in str(raised.value)
    school.code = "D125310000011"
    with pytest.raises(ValidationError) as raised:
        school.full_clean()
    assert "設置者区分" in str(raised.value)
