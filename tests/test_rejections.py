"""One bad submission per hard-error kind: rejected whole, reported by cell, earlier data untouched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from dagster_project.intake import process_inbox
from dagster_project.settings import Settings
from tests.builders import cover, indicator_row, write_workbook

GOOD_ROWS = [indicator_row("新增规模以上工业企业", 20, "家"), indicator_row("工业投资增速", "12.5", "%")]


def _csv(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


CSV_HEAD = "指标名称,统计范围,数据类型,数值,单位,报送单位,报告期\n"

# name -> (builder(inbox) -> path, expected rule, expected cell or "" when file-level)
CASES = {
    "unreadable_xlsx": (
        lambda d: (d / "坏文件.xlsx").write_bytes(b"not a zip") and d / "坏文件.xlsx",
        "unreadable_file",
        "",
    ),
    "unsupported_type": (
        lambda d: (d / "报表.xls").write_bytes(b"\xd0\xcf\x11\xe0old excel") and d / "报表.xls",
        "unreadable_file",
        "",
    ),
    "missing_cover_sheet": (lambda d: _no_cover(d / "无封面.xlsx"), "missing_sheet", ""),
    "unknown_department": (
        lambda d: write_workbook(d / "a.xlsx", cover(department="区财政局"), GOOD_ROWS),
        "unknown_department",
        "B1",
    ),
    "unknown_period": (lambda d: write_workbook(d / "a.xlsx", cover(period="去年"), GOOD_ROWS), "unknown_period", "B2"),
    "missing_period": (
        lambda d: write_workbook(d / "a.xlsx", {"报送单位": "经信委"}, GOOD_ROWS),
        "missing_cover_field",
        "",
    ),
    "unknown_indicator": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("技术合同金额", "5", "亿元")]),
        "unknown_indicator",
        "B4",
    ),
    "unknown_cluster": (
        lambda d: write_workbook(
            d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("规上工业总产值", "5", "亿元", cluster="航天")]
        ),
        "unknown_cluster",
        "D4",
    ),
    "unknown_area": (
        lambda d: write_workbook(
            d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("规上工业总产值", "5", "亿元", area="火星")]
        ),
        "unknown_area",
        "C4",
    ),
    "unreadable_number": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("规上工业总产值", "五亿", "亿元")]),
        "unreadable_value",
        "H4",
    ),
    "missing_column": (
        lambda d: write_workbook(
            d / "a.xlsx",
            cover(),
            [["工业投资增速", "全区", "12.5", "%"]],
            header=["指标名称", "统计范围", "数值", "单位"],
        ),
        "missing_column",
        "",
    ),
    "missing_value": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("规上工业总产值", None, "亿元")]),
        "missing_value",
        "H4",
    ),
    "negative_count": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("新增科技型中小企业", "-3", "家")]),
        "negative_value",
        "H4",
    ),
    "fractional_count": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("新增科技型中小企业", "3.5", "家")]),
        "fractional_count",
        "H4",
    ),
    "share_above_100": (
        lambda d: write_workbook(
            d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("工业投资占固定资产投资比重", "104.7", "%")]
        ),
        "ratio_out_of_bounds",
        "H4",
    ),
    "growth_below_minus_100": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("技改投资增长", "-120", "%")]),
        "growth_below_minus_100",
        "H4",
    ),
    "unit_does_not_fit": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("新增科技型中小企业", "3", "亿元")]),
        "unit_mismatch",
        "H4",
    ),
    "unknown_unit": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("新增科技型中小企业", "3", "打")]),
        "unknown_unit",
        "H4",
    ),
    "missing_unit": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("新增科技型中小企业", "3", None)]),
        "missing_unit",
        "H4",
    ),
    "unit_conflict": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("技术合同成交额", "5亿元", "%")]),
        "unit_conflict",
        "H4",
    ),
    "unknown_value_kind": (
        lambda d: write_workbook(
            d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("技术合同成交额", "5", "亿元", kind="预测")]
        ),
        "unknown_value_kind",
        "F4",
    ),
    "conflicting_duplicate": (
        lambda d: write_workbook(d / "a.xlsx", cover(), [*GOOD_ROWS, indicator_row("新增规上工业企业", 21, "家")]),
        "conflicting_duplicate",
        "H4",
    ),
    "csv_mixed_departments": (
        lambda d: _csv(
            d / "混合.csv",
            CSV_HEAD + "技术合同成交额,全区,实绩,5.35,亿元,区科技局,2023年\n"
            "工业投资增速,全区,实绩,31.4,%,经信委,2023年\n",
        ),
        "mixed_submission",
        "F3",
    ),
    "csv_unreadable_encoding": (lambda d: _csv(d / "utf16.csv", CSV_HEAD, "utf-16"), "unreadable_file", ""),
}


HELD_CASES = {"unknown_indicator", "unknown_cluster"}


def _no_cover(path: Path) -> Path:
    write_workbook(path, cover(), GOOD_ROWS)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    del wb["封面"]
    wb.save(path)
    return path


@pytest.fixture
def landed(tmp_path, catalog):
    """A data folder where one good 2024H1 submission of 经信委 has already landed."""
    settings = Settings(inbox=tmp_path / "inbox", data_dir=tmp_path / "data")
    write_workbook(settings.inbox / "good.xlsx", cover(), GOOD_ROWS)
    first = process_inbox(settings, catalog)
    assert [o.status for o in first.outcomes] == ["accepted"]
    return settings


def _snapshot(settings: Settings):
    con = duckdb.connect(str(settings.work_warehouse), read_only=True)
    try:
        return (
            con.execute("select * from raw.indicator_value order by all").fetchall(),
            con.execute("select * from raw.period order by all").fetchall(),
        )
    finally:
        con.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_rejected_whole_with_a_report(case, landed: Settings, catalog):
    build, rule, cell = CASES[case]
    before = _snapshot(landed)
    path = build(landed.inbox)
    inbox_bytes = path.read_bytes()

    result = process_inbox(landed, catalog, now=dt.datetime(2024, 7, 20, 8, 0))

    outcome = next(o for o in result.outcomes if o.file_name == path.name)
    held = case in HELD_CASES  # names only the data team can add: held for the catalog, not rejected
    assert outcome.status == ("held" if held else "rejected") and outcome.n_errors >= 1
    assert _snapshot(landed) == before, "a rejected or held file must not change the landed data"
    assert path.read_bytes() == inbox_bytes, "the inbox is read-only"
    report = (landed.data_dir / outcome.report_path).read_text(encoding="utf-8")
    assert ("待补录目录" in report and "held" in report) if held else ("已退回" in report and "rejected" in report)
    assert f"<code>{rule}</code>" in report
    if cell:
        assert f"<td>{cell}</td>" in report, f"the report must name cell {cell}"
    con = duckdb.connect(str(landed.work_warehouse), read_only=True)
    status = con.execute("select status from raw.submission where file_name = ?", [path.name]).fetchone()
    con.close()
    assert status == (outcome.status,)


def test_unknown_indicator_report_suggests_closest_names(landed: Settings, catalog):
    CASES["unknown_indicator"][0](landed.inbox)
    outcome = [o for o in process_inbox(landed, catalog).outcomes if o.status == "held"][0]
    report = (landed.data_dir / outcome.report_path).read_text(encoding="utf-8")
    assert "最接近的有: 技术合同成交额" in report


def test_soft_finding_lands_flagged_or_explained(landed: Settings, catalog):
    write_workbook(
        landed.inbox / "soft.xlsx",
        cover(department="区科技局"),
        [
            indicator_row("技术合同成交额增长", "850", "%"),
            indicator_row("研发投入增长", "450", "%", note="新建大型项目集中投入"),
        ],
    )
    result = process_inbox(landed, catalog)
    assert [o.status for o in result.outcomes if o.file_name == "soft.xlsx"] == ["accepted"]
    con = duckdb.connect(str(landed.work_warehouse), read_only=True)
    flags = dict(
        con.execute(
            "select indicator_code, quality_flag from raw.indicator_value v join raw.submission s using (submission_id) "
            "where s.file_name = 'soft.xlsx'"
        ).fetchall()
    )
    con.close()
    assert flags == {
        "technology_contract_value_growth": "out_of_plausible_range",
        "rd_expenditure_growth": "explained:out_of_plausible_range",
    }


@pytest.mark.parametrize("case, status", [("unknown_indicator", "held"), ("unreadable_number", "rejected")])
def test_rejected_or_held_file_is_retried_after_a_catalog_change(case, status, landed: Settings, catalog):
    CASES[case][0](landed.inbox)
    assert process_inbox(landed, catalog).count(status) == 1
    assert process_inbox(landed, catalog).count(status) == 0, "same catalog: not processed again"
    original = catalog.version
    catalog.version = "changed"
    try:
        assert process_inbox(landed, catalog).count(status) == 1
    finally:
        catalog.version = original
    con = duckdb.connect(str(landed.work_warehouse), read_only=True)
    assert con.execute("select count(*) from raw.submission where file_name = 'a.xlsx'").fetchone() == (1,)
    con.close()
