import datetime as dt

import pytest

from dagster_project.parsing.errors import ParseError
from dagster_project.parsing.periods import parse_date, parse_period


@pytest.mark.parametrize(
    "raw, code, start, end, granularity, is_ytd",
    [
        ("2023年", "2023", "2023-01-01", "2023-12-31", "year", True),
        ("2023", "2023", "2023-01-01", "2023-12-31", "year", True),
        (2023, "2023", "2023-01-01", "2023-12-31", "year", True),
        (2023.0, "2023", "2023-01-01", "2023-12-31", "year", True),
        ("2023年度", "2023", "2023-01-01", "2023-12-31", "year", True),
        ("2024年1-12月", "2024", "2024-01-01", "2024-12-31", "year", True),
        ("2024年上半年", "2024H1", "2024-01-01", "2024-06-30", "half", True),
        ("2024H1", "2024H1", "2024-01-01", "2024-06-30", "half", True),
        ("2024年1-6月", "2024H1", "2024-01-01", "2024-06-30", "half", True),
        ("2024年1—6月", "2024H1", "2024-01-01", "2024-06-30", "half", True),
        ("2024年1～6月累计", "2024H1", "2024-01-01", "2024-06-30", "half", True),
        ("２０２４年１－６月", "2024H1", "2024-01-01", "2024-06-30", "half", True),
        ("2024年下半年", "2024H2", "2024-07-01", "2024-12-31", "half", False),
        ("2024年第一季度", "2024Q1", "2024-01-01", "2024-03-31", "quarter", True),
        ("2024年一季度", "2024Q1", "2024-01-01", "2024-03-31", "quarter", True),
        ("2024Q1", "2024Q1", "2024-01-01", "2024-03-31", "quarter", True),
        ("2024q3", "2024Q3", "2024-07-01", "2024-09-30", "quarter", False),
        ("2024年4-6月", "2024Q2", "2024-04-01", "2024-06-30", "quarter", False),
        ("2024年1-3月", "2024Q1", "2024-01-01", "2024-03-31", "quarter", True),
        ("2024年6月", "2024M06", "2024-06-01", "2024-06-30", "month", False),
        ("2024-06", "2024M06", "2024-06-01", "2024-06-30", "month", False),
        ("2024/6", "2024M06", "2024-06-01", "2024-06-30", "month", False),
        (dt.datetime(2024, 6, 1), "2024M06", "2024-06-01", "2024-06-30", "month", False),  # Excel ate "2024-06"
        ("2024年1-2月", "2024YTD02", "2024-01-01", "2024-02-29", "ytd", True),
        ("2024年1-9月", "2024YTD09", "2024-01-01", "2024-09-30", "ytd", True),
        ("2024YTD09", "2024YTD09", "2024-01-01", "2024-09-30", "ytd", True),
    ],
)
def test_period_forms(raw, code, start, end, granularity, is_ytd):
    period = parse_period(raw)
    assert period.code == code
    assert (period.start_date.isoformat(), period.end_date.isoformat()) == (start, end)
    assert period.granularity == granularity and period.is_ytd is is_ytd


@pytest.mark.parametrize("raw", ["去年", "2024年3-5月", "2024年13月", "2024Q5", "", 12.5])
def test_unknown_periods(raw):
    with pytest.raises(ParseError):
        parse_period(raw)


@pytest.mark.parametrize(
    "raw", ["2024-01-15", "2024年1月15日", "2024/1/15", "2024.01.15", dt.datetime(2024, 1, 15, 0, 0), 45306]
)
def test_sent_date_forms(raw):
    assert parse_date(raw) == dt.date(2024, 1, 15)
