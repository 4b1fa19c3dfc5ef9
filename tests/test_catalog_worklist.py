"""Held for the catalog, not rejected: held → proposals → accept → released, end to end; and a catalog that
cannot break a run silently (one test per fault, each through the nightly job)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.catalog.__main__ import main as catalog_cli
from dagster_project.catalog.check import check_catalog
from dagster_project.settings import REFERENCE_DIR
from tests.builders import cover, indicator_row, write_workbook
from tests.pipeline_runs import snapshot

HELD_ROWS = [
    indicator_row("规上工业增加值增速", "8.5", "%"),  # composes: lands once the file is released
    indicator_row("重点企业产值", "120余", "亿元"),
    indicator_row("重点企业产值增速", "9.5", "%"),
    indicator_row("规上工业总产值", "56", "亿元", cluster="航天装备"),
]


def nightly(inbox: Path, data_dir: Path, reference_dir: Path):
    import dagster as dg

    from dagster_project.definitions import build_definitions
    from dagster_project.resources import SettingsResource

    defs = build_definitions(
        SettingsResource(inbox=str(inbox), data_dir=str(data_dir), reference_dir=str(reference_dir))
    )
    with dg.DagsterInstance.ephemeral() as instance:
        return defs.get_job_def("nightly").execute_in_process(instance=instance, raise_on_error=False)


def _fill_in(path: Path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            row[0]: row[1:]
            for row in con.execute(
                "select v.raw_text, v.indicator_code, v.value, v.comparator, v.base_unit, v.display_unit_zh, "
                "v.cluster_code from marts.fct_indicator_value v join marts.fct_submission s using (submission_id) "
                "where s.file_name = 'held.xlsx'"
            ).fetchall()
        }
    finally:
        con.close()


def test_held_names_are_proposed_accepted_and_the_file_released(tmp_path):
    from tests.builders import copy_sample_inbox

    inbox = copy_sample_inbox(tmp_path / "inbox")
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    write_workbook(
        inbox / "held.xlsx",
        cover(department="区经济信息委", period="2024年1-6月", sent=dt.date(2024, 7, 15)),
        HELD_ROWS,
    )
    write_workbook(
        inbox / "rejected.xlsx",
        cover(department="区科技局", period="2024年1-6月"),
        [indicator_row("重点企业产值", "很多", "亿元")],
    )
    data = tmp_path / "data"
    assert nightly(inbox, data, reference).success

    marts = snapshot(data)
    status = {row["file_name"]: row["status"] for row in marts["fct_submission"]}
    assert (status["held.xlsx"], status["rejected.xlsx"]) == ("held", "rejected")
    unresolved = {(row["name_kind"], row["name_as_written"]): row for row in marts["fct_unresolved_name"]}
    assert set(unresolved) == {
        ("indicator", "重点企业产值"),
        ("indicator", "重点企业产值增速"),
        ("cluster", "航天装备"),
    }
    first = unresolved[("indicator", "重点企业产值")]
    assert (first["n_rows"], first["n_submissions"], first["units_seen"]) == (2, 2, "亿元")
    assert (first["first_file_name"], first["first_source_sheet"]) in {("held.xlsx", "指标"), ("rejected.xlsx", "指标")}
    assert unresolved[("indicator", "重点企业产值增速")]["proposed_form_code"] == "yoy_growth"
    held = next(row for row in marts["fct_submission"] if row["file_name"] == "held.xlsx")
    report = (data / held["report_path"]).read_text(encoding="utf-8")
    assert "待补录目录" in report and "无需重新报送" in report
    assert not _fill_in(data / "warehouse.duckdb"), "nothing of a held file lands"

    proposals = data / "reports" / "catalog_proposals.csv"
    assert proposals.read_bytes().startswith("\ufeff".encode()), "UTF-8 with BOM, for Excel"
    rows = list(csv.DictReader(io.StringIO(proposals.read_text(encoding="utf-8-sig"))))
    assert {row["name_as_written"] for row in rows} == {"重点企业产值", "重点企业产值增速", "航天装备"}
    for row in rows:  # the data team accepts every proposal, in Excel (GBK, CRLF), as people do
        row["accept"] = "是"
    edited = tmp_path / "edited.csv"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    edited.write_bytes(buffer.getvalue().encode("gb18030"))
    assert catalog_cli(["accept", str(edited), "--reference-dir", str(reference)]) == 0
    assert check_catalog(reference) == []

    seed_values = len(marts["fct_indicator_value"])
    assert nightly(inbox, data, reference).success
    marts = snapshot(data)
    status = {row["file_name"]: row["status"] for row in marts["fct_submission"]}
    assert (status["held.xlsx"], status["rejected.xlsx"]) == ("accepted", "rejected"), "released, no resubmission"
    assert marts["fct_unresolved_name"] == [], "the rejected file's name is known now: nothing is left to do"
    landed = _fill_in(data / "warehouse.duckdb")
    assert len(landed) == len(HELD_ROWS) and len(marts["fct_indicator_value"]) == seed_values + len(HELD_ROWS)
    code, value, comparator, base_unit, display_unit, _ = landed["120余"]
    assert (value, comparator, base_unit, display_unit) == (12_000_000_000, ">", "yuan", "亿元")
    assert landed["9.5"][0] == f"{code}__yoy_growth" and landed["9.5"][3] == "ratio"
    assert landed["56"][5] == "drones_aviation_ground", "the cluster name, accepted as an alias of the closest"
    indicators = {row["indicator_code"]: row for row in marts["dim_indicator"]}
    assert (indicators[f"{code}__yoy_growth"]["measure_code"], indicators[f"{code}__yoy_growth"]["form_code"]) == (
        code,
        "yoy_growth",
    )
    assert indicators["above_scale_value_added__yoy_growth"]["name_zh"] == "规上工业增加值同比增长"


def test_accept_writes_nothing_when_the_catalog_would_fail_its_check(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    before = {p.name: p.read_bytes() for p in reference.iterdir()}
    edited = tmp_path / "edited.csv"
    edited.write_text(
        "name_as_written,name_kind,proposal_kind,alias,indicator_code,name_zh,name_en,aliases,base_unit,"
        "display_unit_zh,category,category_zh,direction,is_additive,measure_type,plausible_min,"
        "plausible_max,measure_code,form_code,accept\n"
        "甲,indicator,new_indicator,,m_x,甲,A,,yuan,亿元,custom,待分类,sideways,true,flow,0,1,m_x,level,yes\n",
        encoding="utf-8",
    )
    assert catalog_cli(["accept", str(edited), "--reference-dir", str(reference)]) == 1
    assert {p.name: p.read_bytes() for p in reference.iterdir()} == before


# --- the catalog check ------------------------------------------------------------------------------------


def _edit(reference: Path, name: str, change) -> None:
    path = reference / name
    path.write_bytes(change(path.read_bytes()))


def _append_crlf(line: str):
    return lambda data: data + line.encode("utf-8") + b"\r\n"


FAULTS = {  # name -> (file, change of its bytes, words of the report)
    "duplicate_alias": (
        "indicators.csv",
        lambda d: d.replace("规上工业产值增长|".encode(), "规上工业总产值|".encode(), 1),
        "已属于",
    ),
    "unknown_unit": (
        "indicators.csv",
        lambda d: d.replace(",yuan,亿元,output,".encode(), ",yuan,亿圆,output,".encode(), 1),
        "未知的单位",
    ),
    "non_numeric_range": (
        "indicators.csv",
        lambda d: d.replace(b",flow,0,10000000000000,", b",flow,0,lots,", 1),
        "不是数字",
    ),
    "min_above_max": ("indicators.csv", lambda d: d.replace(b",level,-0.5,1.5,", b",level,1.5,-0.5,", 1), "大于上限"),
    "missing_column": (
        "units.csv",
        lambda d: d.replace(b"unit_zh,base_unit,factor,aliases", b"unit_zh,base_unit,aliases"),
        "缺少列",
    ),
    "duplicate_code": ("areas.csv", lambda d: d + d.splitlines(keepends=True)[1], "重复"),
    "unknown_direction": (
        "indicators.csv",
        lambda d: d.replace(b",up,true,flow,", b",upward,true,flow,", 1),
        "不是允许的值",
    ),
    "alias_of_two_codes": ("aliases.csv", lambda d: d + "indicator,规上工业总产值,tax_paid\n".encode(), "名称冲突"),
    "bad_form_template": ("forms.csv", lambda d: d.replace("{m}同比增长|".encode(), "同比增长|".encode(), 1), "模板"),
    "calendar_unknown_department": (
        "reporting_calendar.csv",
        lambda d: d + "finance_bureau,annual,年度报表,Annual report,department,year,1,20\n".encode(),
        "未知的报送单位",
    ),
}


@pytest.fixture(scope="module")
def published(tmp_path_factory, built_sample):
    """A copy of the built sample's data folder and inbox, to run against a broken catalog."""
    root = tmp_path_factory.mktemp("catalog-faults")
    inbox, data = built_sample
    shutil.copytree(inbox, root / "inbox")
    shutil.copytree(data, root / "data")
    return root


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_broken_catalog_stops_the_run_before_ingestion_with_a_report(fault, published, tmp_path):
    file_name, change, words = FAULTS[fault]
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    _edit(reference, file_name, change)
    data = tmp_path / "data"
    shutil.copytree(published / "data", data)
    write_workbook(
        published / "inbox" / "new.xlsx", cover(period="2024年1-6月"), [indicator_row("工业投资增速", "9", "%")]
    )
    before = (data / "warehouse.duckdb").read_bytes()
    try:
        result = nightly(published / "inbox", data, reference)
    finally:
        (published / "inbox" / "new.xlsx").unlink()
    assert not result.success
    ran = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert ran == {"reference_catalog"}, "nothing ran after the check: no ingestion, no build, no publishing"
    report = (data / "reports" / "catalog_check.html").read_text(encoding="utf-8")
    assert words in report and file_name in report
    assert (data / "warehouse.duckdb").read_bytes() == before, "the published warehouse is unchanged"
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "目录检查未通过" in failure.message or "catalog check failed" in str(failure.event_specific_data)


def test_a_catalog_as_excel_saves_it_reads_and_the_run_goes_on(tmp_path):
    """GBK, a BOM, and CRLF rows appended to an LF file: what other editors write, read by the one reader."""
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    _edit(
        reference,
        "indicators.csv",
        _append_crlf(
            "key_enterprise_output,重点企业产值,Output of key enterprises,重点企业总产值,yuan,亿元,output,产值效益,up,true,"
            "flow,0,10000000000000,key_enterprise_output,level"
        ),
    )
    _edit(reference, "clusters.csv", lambda d: d.decode("utf-8").encode("gb18030"))
    _edit(reference, "units.csv", lambda d: "\ufeff".encode() + d)
    assert check_catalog(reference) == []
    inbox = tmp_path / "inbox"
    write_workbook(
        inbox / "a.xlsx",
        cover(period="2024年1-6月"),
        [indicator_row("重点企业产值增速", "9", "%"), indicator_row("规上工业总产值", "5", "亿元", cluster="汽摩")],
    )
    result = nightly(inbox, tmp_path / "data", reference)
    assert result.success
    marts = snapshot(tmp_path / "data")
    assert {row["indicator_code"] for row in marts["fct_indicator_value"]} == {
        "key_enterprise_output__yoy_growth",
        "above_scale_industrial_output",
    }
    assert {row["cluster_code"] for row in marts["fct_indicator_value"]} == {None, "ev_motorcycle"}
