"""marts.fct_submission_due: the reporting calendar against what arrived, judged at DAZU_AS_OF_DATE.

The bundled sample with arrival times set as a department's files would have them, plus 2024年1-6月 reports
that arrive on time, late, held, rejected, corrected or not at all."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from dagster_project.catalog.check import check_catalog
from dagster_project.settings import DISTRICT_TIMEZONE, REFERENCE_DIR
from tests.builders import copy_sample_inbox, cover, indicator_row, write_workbook
from tests.pipeline_runs import marts_rebuilt, run_nightly, snapshot

AS_OF = dt.date(2024, 8, 15)


def _arrive(path: Path, day: dt.date, hour: int = 10) -> Path:
    """The file's arrival (its mtime) at that hour of that day in Chongqing."""
    stamp = dt.datetime.combine(day, dt.time(hour), tzinfo=DISTRICT_TIMEZONE).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def _id(path: Path) -> str:
    return "sub_" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _nightly(inbox: Path, data: Path, as_of: dt.date):
    return run_nightly(inbox, data, as_of_date=as_of.isoformat())


@pytest.fixture(scope="module")
def calendar_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("calendar")
    inbox = copy_sample_inbox(root / "inbox")
    for path in inbox.glob("*.*"):
        # The workbooks reach the inbox after the 20 January deadline, but their 报出日期 (15 and 16 January)
        # count; the science bureau's CSV has no 报出日期: its arrival, five days late, counts.
        _arrive(path, dt.date(2024, 1, 25) if path.suffix == ".csv" else dt.date(2024, 1, 22))
    for path in (inbox / "规上工业企业月报").iterdir():
        year, month = map(int, path.stem.rsplit("_", 1)[1].split("-"))
        after = dt.date(year + month // 12, month % 12 + 1, 1)
        # due the 10th of the next month; March 2023 arrives two days late
        _arrive(path, after.replace(day=12) if (year, month) == (2023, 3) else after.replace(day=5))
    h1 = "2024年1-6月"
    ids = {}

    def send(name, department, sent, rows, arrival=None):
        path = write_workbook(inbox / name, cover(department=department, period=h1, sent=sent), rows)
        ids[name] = _id(_arrive(path, arrival or sent))

    send("hightech.xlsx", "高新区管委会", dt.date(2024, 7, 18), [indicator_row("工业投资增速", "9", "%")])
    send("hightech_correction.xlsx", "高新区管委会", dt.date(2024, 7, 30), [indicator_row("工业投资增速", "9.5", "%")])
    send(
        "shuangqiao_held.xlsx", "双桥经开区经发局", dt.date(2024, 7, 19), [indicator_row("某某新型指标数量", "3", "家")]
    )
    send(
        "park_rejected.xlsx", "大足工业园区管委会", dt.date(2024, 7, 19), [indicator_row("规上工业总产值", "5", "亿圆")]
    )
    send("econ_rejected.xlsx", "区经济信息委", dt.date(2024, 7, 15), [indicator_row("规上工业总产值", "5", "亿圆")])
    send("econ_late.xlsx", "区经济信息委", dt.date(2024, 7, 25), [indicator_row("规上工业总产值", "5", "亿元")])
    data = root / "data"
    _nightly(inbox, data, AS_OF)
    return inbox, data, ids


def _due(data: Path) -> dict[tuple[str, str, str], dict]:
    return {(r["report_kind"], r["period_code"], r["department_code"]): r for r in snapshot(data)["fct_submission_due"]}


DEPARTMENTS = ("econ_info_commission", "science_tech_bureau", "shuangqiao_edz", "industrial_park", "hightech_zone")


def test_periods_run_from_the_earliest_held_to_those_begun_by_the_as_of_date(calendar_run):
    _, data, _ = calendar_run
    due = _due(data)
    assert {(kind, period) for kind, period, _ in due if kind != "enterprise_monthly"} == {
        ("annual", "2023"),
        ("annual", "2024"),
        ("half_year", "2023H1"),
        ("half_year", "2024H1"),
    }
    months = sorted(period for kind, period, _ in due if kind == "enterprise_monthly")
    assert months[0] == "2023M01" and months[-1] == "2024M08" and len(months) == 20
    assert {d for kind, _, d in due if kind != "enterprise_monthly"} == set(DEPARTMENTS)
    assert {d for kind, _, d in due if kind == "enterprise_monthly"} == {"econ_info_commission"}
    assert {r["as_of_date"] for r in due.values()} == {AS_OF}


def test_annual_reports_are_judged_by_their_sent_date_else_their_arrival(calendar_run):
    _, data, _ = calendar_run
    due = _due(data)
    for department in DEPARTMENTS:
        row = due[("annual", "2023", department)]
        assert row["due_date"] == dt.date(2024, 1, 20)
        expected = ("late", 5) if department == "science_tech_bureau" else ("on_time", 0)
        assert (row["status"], row["days_late"]) == expected, department
        assert row["first_accepted_at"] is not None and row["submission_id"].startswith("sub_")
        # the annual report for 2024 is not due before 20 January 2025
        assert (due[("annual", "2024", department)]["status"], due[("annual", "2024", department)]["days_late"]) == (
            "not_due",
            None,
        )
        # nobody sent a 2023 half-year report: missing since 20 July 2023
        assert (
            due[("half_year", "2023H1", department)]["status"],
            due[("half_year", "2023H1", department)]["days_late"],
        ) == ("missing", (AS_OF - dt.date(2023, 7, 20)).days)


def test_half_year_reports_show_the_latest_state_of_each_department(calendar_run):
    _, data, ids = calendar_run
    due = {d: r for (kind, period, d), r in _due(data).items() if (kind, period) == ("half_year", "2024H1")}
    overdue = (AS_OF - dt.date(2024, 7, 20)).days
    assert {d: (r["status"], r["days_late"], r["submission_id"]) for d, r in due.items()} == {
        # on time by its first accepted report; the correction is the one that counts now
        "hightech_zone": ("on_time", 0, ids["hightech_correction.xlsx"]),
        # rejected first, then accepted after the deadline: late, and the accepted one counts
        "econ_info_commission": ("late", 5, ids["econ_late.xlsx"]),
        "shuangqiao_edz": ("held", overdue, ids["shuangqiao_held.xlsx"]),
        "industrial_park": ("rejected", overdue, ids["park_rejected.xlsx"]),
        "science_tech_bureau": ("missing", overdue, None),
    }
    first = dt.datetime.combine(dt.date(2024, 7, 18), dt.time(10), tzinfo=DISTRICT_TIMEZONE)
    assert due["hightech_zone"]["first_accepted_at"] == first.astimezone(dt.UTC).replace(tzinfo=None)
    assert due["shuangqiao_edz"]["first_accepted_at"] is None


def test_enterprise_months_are_owed_by_the_tenth_of_the_next_month(calendar_run):
    _, data, _ = calendar_run
    due = {period: r for (kind, period, _), r in _due(data).items() if kind == "enterprise_monthly"}
    assert (due["2023M03"]["status"], due["2023M03"]["days_late"]) == ("late", 2)
    assert {due[p]["status"] for p in due if p <= "2024M06" and p != "2023M03"} == {"on_time"}
    assert due["2024M06"]["due_date"] == dt.date(2024, 7, 10)
    assert (due["2024M07"]["status"], due["2024M07"]["days_late"]) == ("missing", 5)
    assert (due["2024M08"]["status"], due["2024M08"]["due_date"]) == ("not_due", dt.date(2024, 9, 10))


def test_the_calendar_moves_with_the_date_and_only_it_is_rebuilt(calendar_run, tmp_path):
    inbox, data, _ = calendar_run
    moved = tmp_path / "data"
    shutil.copytree(data, moved, symlinks=True)
    same_day = _nightly(inbox, moved, AS_OF)
    assert not any(marts_rebuilt(same_day).values()), "the same day with nothing new rebuilds nothing"
    later = _nightly(inbox, moved, dt.date(2024, 9, 20))
    assert [mart for mart, rebuilt in marts_rebuilt(later).items() if rebuilt] == ["fct_submission_due"]
    due = {period: r for (kind, period, _), r in _due(moved).items() if kind == "enterprise_monthly"}
    assert (due["2024M08"]["status"], due["2024M08"]["days_late"]) == ("missing", 10)
    assert due["2024M09"]["status"] == "not_due"


def _calendar_with(tmp_path: Path, line: str) -> Path:
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    with open(reference / "reporting_calendar.csv", "a", encoding="utf-8") as f:
        f.write(line + "\n")
    return reference


@pytest.mark.parametrize(
    "line, column, words",
    [
        ("finance_bureau,annual,年度报表,Annual report,department,year,1,20", "department_code", "未知的报送单位"),
        ("hightech_zone,annual,年度报表,Annual report,department,year,1,20", "report_kind", "重复"),
        ("hightech_zone,quarterly,季报,Quarterly report,department,season,1,20", "period_kind", "不是允许的值"),
        ("hightech_zone,quarterly,季报,Quarterly report,department,quarter,1,32", "due_day", "整数"),
        ("hightech_zone,quarterly,季报,Quarterly report,department,quarter,一,20", "due_months_after", "整数"),
        (
            "econ_info_commission,enterprise_quarterly,企业季报,Enterprise quarterly,enterprise,quarter,1,10",
            "period_kind",
            "企业月报",
        ),
    ],
)
def test_the_catalog_check_names_a_wrong_calendar_line(tmp_path, line, column, words):
    issues = check_catalog(_calendar_with(tmp_path, line))
    assert [(i.file_name, i.line, i.column) for i in issues] == [("reporting_calendar.csv", 13, column)]
    assert words in issues[0].problem_zh


def test_a_quarterly_report_added_to_the_calendar_passes_the_check(tmp_path):
    assert (
        check_catalog(_calendar_with(tmp_path, "hightech_zone,quarterly,季报,Quarterly report,department,quarter,1,31"))
        == []
    )


def test_the_run_summary_lists_who_is_missing_late_held_or_rejected(calendar_run):
    from dagster_project.run_once import calendar_summary
    from dagster_project.settings import Settings
    from dagster_project.storage import connect_published

    _, data, _ = calendar_run
    with connect_published(Settings(inbox=data, data_dir=data)) as con:
        lines = calendar_summary(con)
    assert lines[0].startswith(f"报送进度 reporting calendar ({AS_OF})")
    listed = "\n".join(lines[1:])
    assert (
        "缺报 missing: 区科技局 District Science and Technology Bureau · 半年报表（1-6月） Half-year report "
        "(January to June): 2023H1, 2024H1" in listed
    )
    assert (
        "逾期 late: 区经济信息委 District Economy and Information Technology Commission · 半年报表（1-6月） "
        "Half-year report (January to June): 2024H1 (5 天 days)" in listed
    )
    assert "待补录目录 held: 双桥经开区经发局" in listed and "退回 rejected: 大足工业园区管委会" in listed
    # on time for 2023 and 2024H1, not due for 2024: the high-tech zone owes only its 2023 half-year report
    assert [line for line in lines if "大足高新区管委会" in line] == [
        "  缺报 missing: 大足高新区管委会 Dazu High-tech Zone Administrative Committee · 半年报表（1-6月） Half-year "
        "report (January to June): 2023H1"
    ]
