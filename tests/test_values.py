from decimal import Decimal

import pytest

from dagster_project.parsing.errors import ParseError
from dagster_project.parsing.values import parse_value


@pytest.mark.parametrize(
    "text, value, comparator, upper, unit, multiplier",
    [
        ("270余", "270", ">", None, "", 1),
        ("100余家", "100", ">", None, "家", 1),
        ("100多家", "100", ">", None, "家", 1),
        ("超过80%", "80", ">", None, "%", 1),
        ("突破600", "600", ">", None, "", 1),
        ("超3000人", "3000", ">", None, "人", 1),
        ("1—2", "1", "range", "2", "", 1),
        ("1-2", "1", "range", "2", "", 1),
        ("1～2家", "1", "range", "2", "家", 1),
        ("1家—2家", "1", "range", "2", "家", 1),
        ("≥210", "210", ">=", None, "", 1),
        (">=210", "210", ">=", None, "", 1),
        ("210以上", "210", ">=", None, "", 1),
        ("210家以上", "210", ">=", None, "家", 1),
        ("不低于10", "10", ">=", None, "", 1),
        ("不低于10万元/亩", "10", ">=", None, "元/亩", 10_000),
        ("≤5", "5", "<=", None, "", 1),
        ("约7", "7", "~", None, "", 1),
        ("7亿元左右", "7", "~", None, "元", 100_000_000),
        ("1.5亿", "1.5", "=", None, "", 100_000_000),
        ("1万台", "1", "=", None, "台", 10_000),
        ("5%以上", "5", ">=", None, "%", 1),
        ("下降5.2", "-5.2", "=", None, "", 1),
        ("-5.2%", "-5.2", "=", None, "%", 1),
        ("增长7.4%", "7.4", "=", None, "%", 1),
        ("第11位", "11", "=", None, "位", 1),
        ("4.1个百分点", "4.1", "=", None, "个百分点", 1),
        ("１，６００", "1600", "=", None, "", 1),  # full-width digits and comma
        (" 23.51 ", "23.51", "=", None, "", 1),
    ],
)
def test_qualifiers_units_and_multipliers(text, value, comparator, upper, unit, multiplier):
    parsed = parse_value(text)
    assert parsed.value == Decimal(value)
    assert parsed.comparator == comparator
    assert parsed.upper == (Decimal(upper) if upper else None)
    assert parsed.unit_text == unit
    assert parsed.multiplier == multiplier


def test_fraction_is_a_ratio():
    parsed = parse_value("1/3")
    assert parsed.is_fraction and abs(parsed.value - Decimal(1) / 3) < Decimal("1e-12")


def test_excel_numbers_lose_binary_noise():
    assert parse_value(0.1 + 0.2).value == Decimal("0.3")
    assert parse_value(227.8).value == Decimal("227.8")


def test_percent_formatted_cell_is_read_as_percent():
    parsed = parse_value(0.314, "0.0%")
    assert parsed.value == Decimal("31.4") and parsed.unit_text == "%"


@pytest.mark.parametrize("text", ["abc", "", "两百", "2—1", "超过100以下", "1/0", "12abc34", "约1—2"])
def test_unreadable_values_raise_with_a_chinese_message(text):
    with pytest.raises(ParseError) as exc:
        parse_value(text)
    assert exc.value.message_zh and exc.value.message_en
