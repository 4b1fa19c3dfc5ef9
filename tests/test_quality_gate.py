"""Gate 1 rules beyond the per-kind rejections: cluster totals, change against last year, repeats, reports."""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest

from dagster_project.intake import process_inbox
from dagster_project.settings import Settings
from tests.builders import cover, indicator_row, write_workbook


@pytest.fixture
def settings(tmp_path):
    return Settings(inbox=tmp_path / "inbox", data_dir=tmp_path / "data")


def _values(settings: Settings, file_name: str) -> dict:
    con = duckdb.connect(str(settings.work_warehouse), read_only=True)
    try:
        rows = con.execute(
            "select indicator_code, area_code, value, quality_flag, explanation from raw.indicator_value "
            "join raw.submission using (submission_id) where file_name = ? order by line_no",
            [file_name],
        ).fetchall()
    finally:
        con.close()
    return {(r[0], r[1]): r[2:] for r in rows}


def _outcome(result, file_name):
    return next(o for o in result.outcomes if o.file_name == file_name)


def test_clusters_must_add_up_to_the_reported_total(settings, catalog):
    clusters = [["智能电梯", "全区", 26.5, None, "示例"], ["其他", "全区", 385.0, None, "示例"]]  # 411.5 vs 420
    write_workbook(
        settings.inbox / "sum.xlsx",
        cover(period="2023年"),
        [indicator_row("规上工业总产值", "420", "亿元")],
        cluster_rows=clusters,
    )
    outcome = _outcome(process_inbox(settings, catalog), "sum.xlsx")
    assert outcome.status == "rejected"
    report = (settings.data_dir / outcome.report_path).read_text(encoding="utf-8")
    assert "<code>cluster_sum_mismatch</code>" in report and "411.5亿元" in report and "<td>H2</td>" in report


def test_clusters_within_half_a_percent_are_accepted(settings, catalog):
    clusters = [["智能电梯", "全区", 26.5, None, "示例"], ["其他", "全区", 392.0, None, "示例"]]  # 418.5 vs 420: −0.36%
    write_workbook(
        settings.inbox / "sum.xlsx",
        cover(period="2023年"),
        [indicator_row("规上工业总产值", "420", "亿元")],
        cluster_rows=clusters,
    )
    assert _outcome(process_inbox(settings, catalog), "sum.xlsx").status == "accepted"


def test_value_far_from_last_year_is_flagged_unless_explained(settings, catalog):
    write_workbook(
        settings.inbox / "2023.xlsx",
        cover(department="区科技局", period="2023年", sent=dt.date(2024, 1, 10)),
        [
            indicator_row("新增科技型中小企业", "280", "家"),
            indicator_row("技术合同成交额", "5.35", "亿元"),
            indicator_row("研发投入强度", "2.43", "%"),
        ],
    )
    process_inbox(settings, catalog)
    write_workbook(
        settings.inbox / "2024.xlsx",
        cover(department="区科技局", period="2024年", sent=dt.date(2025, 1, 10)),
        [
            indicator_row("新增科技型中小企业", "1000", "家"),  # +257%
            indicator_row("技术合同成交额", "20", "亿元", note="引进大院大所, 技术交易集中登记"),  # +274%, explained
            indicator_row("研发投入强度", "2.6", "%"),  # +0.17 pp: fine
        ],
    )
    result = process_inbox(settings, catalog)
    assert _outcome(result, "2024.xlsx").status == "accepted"
    values = _values(settings, "2024.xlsx")
    assert values[("new_tech_smes", "dazu_district")][1] == "far_from_previous_period"
    assert values[("technology_contract_value", "dazu_district")][1] == "explained:far_from_previous_period"
    assert values[("technology_contract_value", "dazu_district")][2] == "引进大院大所, 技术交易集中登记"
    assert values[("rd_intensity", "dazu_district")][1] is None
    report = (settings.data_dir / _outcome(result, "2024.xlsx").report_path).read_text(encoding="utf-8")
    assert "与上年同期 280家 相比变化过大" in report and "(已有说明)" in report


def test_growth_rate_far_from_last_year_is_flagged(settings, catalog):
    write_workbook(
        settings.inbox / "a.xlsx",
        cover(period="2023年", sent=dt.date(2024, 1, 10)),
        [indicator_row("工业投资增速", "31.4", "%")],
    )
    write_workbook(
        settings.inbox / "b.xlsx",
        cover(period="2024年", sent=dt.date(2025, 1, 10)),
        [indicator_row("工业投资增速", "-25", "%")],
    )
    process_inbox(settings, catalog)
    assert (
        _values(settings, "b.xlsx")[("industrial_investment_growth", "dazu_district")][1] == "far_from_previous_period"
    )


def test_exact_repeat_lands_once_with_a_warning(settings, catalog):
    row = indicator_row("新增规上工业企业", "20", "家")
    write_workbook(settings.inbox / "r.xlsx", cover(), [row, list(row)])
    outcome = _outcome(process_inbox(settings, catalog), "r.xlsx")
    assert (outcome.status, outcome.n_warnings) == ("accepted", 1)
    assert len(_values(settings, "r.xlsx")) == 1


def test_excel_report_lists_issues_and_never_carries_a_formula(settings, catalog):
    (settings.inbox).mkdir(parents=True)
    (settings.inbox / "f.csv").write_text(
        "报送单位,报告期,指标名称,统计范围,数据类型,数值,单位\n"
        '经信委,2024年1-6月,"=HYPERLINK(""http://x"",""点我"")",全区,实绩,1,家\n',
        encoding="utf-8",
    )
    outcome = _outcome(process_inbox(settings, catalog), "f.csv")
    workbook = openpyxl.load_workbook((settings.data_dir / outcome.report_path).with_suffix(".xlsx"))
    assert workbook.sheetnames == ["审核结果", "问题清单"]
    issues = list(workbook["问题清单"].iter_rows(min_row=2, values_only=True))
    assert len(issues) == outcome.n_errors == 1
    as_written = workbook["问题清单"]["F2"]
    assert as_written.data_type in ("s", "inlineStr") and as_written.value.startswith("'=")
    assert issues[0][-1] == "unknown_indicator" and issues[0][4] == "C2"


def test_submission_text_is_data_never_sql(settings, catalog):
    hostile = "'); drop table raw.submission; --"
    write_workbook(settings.inbox / "x.xlsx", cover(), [indicator_row("新增规上工业企业", "20", "家", note=hostile)])
    assert _outcome(process_inbox(settings, catalog), "x.xlsx").status == "accepted"
    assert _values(settings, "x.xlsx")[("new_above_scale_enterprises", "dazu_district")][2] == hostile


def test_files_waiting_for_their_rules_are_reported_in_inbox_order(settings, catalog):
    from dagster_project.ingest.inbox import list_inbox
    from tests.builders import SAMPLE_INBOX

    write_workbook(settings.inbox / "a.xlsx", cover(period="2023年"), [indicator_row("新增规上工业企业", "20", "家")])
    monthly = sorted((SAMPLE_INBOX / "规上工业企业月报").iterdir())[:2]
    for path in monthly:
        (settings.inbox / "规上工业企业月报").mkdir(parents=True, exist_ok=True)
        (settings.inbox / "规上工业企业月报" / path.name).write_bytes(path.read_bytes())
    write_workbook(
        settings.inbox / "z.xlsx",
        cover(department="区科技局", period="2023年"),
        [indicator_row("新增科技型中小企业", "280", "家")],
    )
    result = process_inbox(settings, catalog)
    assert [o.file_name for o in result.outcomes] == [p.name for p in list_inbox(settings.inbox)]
    assert [o.status for o in result.outcomes] == ["accepted"] * 4
