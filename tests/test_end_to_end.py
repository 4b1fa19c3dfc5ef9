"""The nightly job on the bundled sample, then a new period, a correction and a rerun."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
from pathlib import Path

import openpyxl
import pytest

from tests.builders import cover, indicator_row, write_workbook
from tests.pipeline_runs import run_nightly, snapshot

SEED_FACTS = Path(__file__).parent / "fixtures" / "seed_facts.csv"


@pytest.fixture(scope="module")
def workspace(built_sample):
    return built_sample


@pytest.fixture(scope="module")
def sample(workspace):
    return snapshot(workspace[1])


H1_ROWS = [
    indicator_row("新增规上工业企业", "20", "家"),  # flow target 36 (确保): 20/36 = 0.56 >= 0.5
    indicator_row("数字化车间数量", "19", "个"),  # level: 16 → 20, expected 18 at mid-year
    indicator_row("绿色工厂", "8", "家"),  # level, no 2023 baseline for 绿色工厂数
    indicator_row("“上云”企业数量", "610", "家"),  # > 600 already: achieved
    indicator_row("规上工业企业单位增加值能耗", "-1.0", "%", base="2022年"),  # down, no 2023 baseline
]
H1_CLUSTERS = [["智能电梯", "全区", 14.2, "6.5", "示例数据"], ["其他", "全区", 190.0, None, "示例数据"]]


@pytest.fixture(scope="module")
def first_half(sample, workspace):
    """经信委 sends its 2024 first-half report, written from the template alone."""
    inbox, data_dir = workspace
    write_workbook(
        inbox / "经信委2024年1-6月.xlsx",
        cover(period="2024年1-6月", sent=dt.date(2024, 7, 10)),
        H1_ROWS,
        title="大足区经济信息委2024年上半年指标报送表",
        cluster_rows=H1_CLUSTERS,
    )
    run_nightly(inbox, data_dir)
    return snapshot(data_dir)


@pytest.fixture(scope="module")
def corrected(first_half, workspace):
    """A week later the same department corrects one number: the new file supersedes the old one."""
    inbox, data_dir = workspace
    rows = [list(r) for r in H1_ROWS]
    rows[0][7] = "15"
    write_workbook(
        inbox / "经信委2024年1-6月(更正).xlsx",
        cover(period="2024年上半年", sent=dt.date(2024, 7, 17)),
        rows,
        cluster_rows=H1_CLUSTERS,
    )
    run_nightly(inbox, data_dir)
    return snapshot(data_dir)


def _fact_rows(snap, **where):
    return [r for r in snap["fct_indicator_value"] if all(r[k] == v for k, v in where.items())]


def test_sample_loads_every_department(sample):
    reports = [r for r in sample["fct_submission"] if r["department_code"] is not None]
    statuses = sorted((r["department_code"], r["status"]) for r in reports)
    assert statuses == sorted(
        (d, "accepted")
        for d in ("econ_info_commission", "science_tech_bureau", "shuangqiao_edz", "industrial_park", "hightech_zone")
    )
    assert all(r["period_code"] == "2023" and r["report_path"] for r in reports)
    monthly = [r for r in sample["fct_submission"] if r["department_code"] is None]
    assert len(monthly) == 18 and {r["status"] for r in monthly} == {"accepted"}
    # each monthly file holds one month: 规上工业企业月报_2024-06.csv -> 2024M06
    assert all(r["period_code"] == r["file_name"][-11:-7] + "M" + r["file_name"][-6:-4] for r in monthly)


def test_every_seed_fact_is_in_the_warehouse(sample):
    with open(SEED_FACTS, encoding="utf-8") as f:
        facts = list(csv.DictReader(f))
    assert len(facts) > 120
    missing = []
    for fact in facts:
        candidates = _fact_rows(
            sample,
            department_code=fact["department_code"],
            area_code=fact["area_code"],
            year=int(fact["year"]),
            value_kind=fact["value_kind"],
        )
        found = [
            r
            for r in candidates
            if math.isclose(r["value"], float(fact["value"]), rel_tol=1e-9, abs_tol=1e-12)
            and r["comparator"] == fact["comparator"]
            and r["indicator_code"] == fact["indicator_code"]
            and (r["cluster_code"] or "") == fact["cluster_code"]
            and (not fact["value_upper"] or math.isclose(r["value_upper"], float(fact["value_upper"])))
        ]
        if not found:
            missing.append((fact["phrase"], fact["indicator_code"], fact["value"]))
    assert missing == []


def test_every_value_traces_back_to_its_cell(sample, workspace):
    _, data_dir = workspace
    archives = {
        r["submission_id"]: data_dir / "archive" / r["submission_id"] / r["file_name"] for r in sample["fct_submission"]
    }
    workbooks = {}
    for row in sample["fct_indicator_value"]:
        path = archives[row["submission_id"]]
        assert path.name == row["source_file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["source_sha256"]
        if path.suffix == ".csv":
            lines = list(csv.reader(path.read_bytes().decode("gb18030").splitlines()))
            column = openpyxl.utils.column_index_from_string("".join(c for c in row["source_cell"] if c.isalpha()))
            cell_text = lines[row["source_row"] - 1][column - 1]
        else:
            wb = workbooks.setdefault(path, openpyxl.load_workbook(path, data_only=True))
            cell = wb[row["source_sheet"]][row["source_cell"]]
            cell_text = cell.value if isinstance(cell.value, str) else None
            if cell_text is None:  # a number: compare by value, the way the cell shows it
                shown = cell.value * 100 if "%" in cell.number_format else cell.value
                assert row["raw_text"].rstrip("%") == format(shown, ".15g"), row
                continue
        assert str(cell_text).strip() == row["raw_text"], row


def test_dimensions(sample):
    clusters = {r["cluster_code"]: r for r in sample["dim_cluster"]}
    assert sum(r["in_246"] for r in clusters.values()) == 12
    assert [r["tier"] for r in clusters.values() if r["in_246"]].count("leading") == 2
    assert "镗盐" in clusters["strontium_salt"]["aliases"] and clusters["strontium_salt"]["name_zh"] == "锶盐"
    assert {r["department_code"] for r in sample["dim_department"]} == {
        "econ_info_commission",
        "science_tech_bureau",
        "shuangqiao_edz",
        "industrial_park",
        "hightech_zone",
    }
    assert all(
        r["name_zh"] and r["name_en"]
        for t in ("dim_cluster", "dim_area", "dim_department", "dim_indicator")
        for r in sample[t]
    )


def test_cluster_output_shares(sample):
    rows = [r for r in sample["fct_cluster_output"] if r["area_code"] == "dazu_district" and r["period_code"] == "2023"]
    assert len(rows) == 13
    assert sum(r["share_of_area_total"] for r in rows) == pytest.approx(1.0)
    assert sum(r["output_yuan"] for r in rows) == pytest.approx(411.9e8)


def test_targets_wait_for_data(sample):
    targets = sample["fct_target_progress"]
    assert len(targets) >= 30
    assert {r["status"] for r in targets} == {"no_data"}
    assert all(r["year"] == 2024 for r in targets)


def _target(snap, indicator_code):
    rows = [r for r in snap["fct_target_progress"] if r["indicator_code"] == indicator_code]
    assert len(rows) == 1, rows
    return rows[0]


def test_new_period_updates_target_progress(first_half):
    enterprises = _target(first_half, "new_above_scale_enterprises")
    assert (enterprises["latest_period_code"], enterprises["schedule_ratio"]) == ("2024H1", 0.5)
    assert enterprises["attainment_ratio"] == pytest.approx(20 / 36) and enterprises["status"] == "on_track"
    assert _target(first_half, "digital_workshops")["status"] == "on_track"
    assert _target(first_half, "green_factories")["status"] == "in_progress"
    assert _target(first_half, "cloud_adopting_enterprises")["status"] == "achieved"
    assert _target(first_half, "energy_intensity_change")["status"] == "in_progress"
    assert _target(first_half, "tech_smes")["status"] == "no_data"


def test_new_period_cluster_output(first_half):
    rows = {r["cluster_code"]: r for r in first_half["fct_cluster_output"] if r["period_code"] == "2024H1"}
    assert set(rows) == {"smart_elevators", "other"}
    assert rows["smart_elevators"]["share_of_area_total"] == pytest.approx(14.2 / 204.2)
    assert rows["smart_elevators"]["reported_yoy_growth"] == pytest.approx(0.065)
    assert rows["smart_elevators"]["yoy_growth"] is None  # no 2023H1 in the warehouse


def test_correction_supersedes_and_history_stays(corrected):
    h1 = sorted((r["file_name"], r["status"]) for r in corrected["fct_submission"] if r["period_code"] == "2024H1")
    assert h1 == [("经信委2024年1-6月(更正).xlsx", "accepted"), ("经信委2024年1-6月.xlsx", "superseded")]
    values = _fact_rows(corrected, indicator_code="new_above_scale_enterprises", value_kind="actual")
    assert [(v["value"], v["source_file"]) for v in values] == [(15.0, "经信委2024年1-6月(更正).xlsx")]
    assert _target(corrected, "new_above_scale_enterprises")["status"] == "behind"  # 15/36 < 0.5
    annual = [r for r in corrected["fct_submission"] if r["period_code"] == "2023" and r["department_code"]]
    assert {r["status"] for r in annual} == {"accepted"}, "another period is not superseded"


def test_rerun_on_the_same_inbox_changes_nothing(corrected, workspace):
    inbox, data_dir = workspace
    run_nightly(inbox, data_dir)
    assert snapshot(data_dir) == corrected


def test_data_docs_and_reports_are_written(sample, workspace):
    _, data_dir = workspace
    docs = (data_dir / "data_docs" / "index.html").read_text(encoding="utf-8")
    assert "submission_values" in docs and "marts_cluster_shares" in docs
    for row in sample["fct_submission"]:
        assert (data_dir / row["report_path"]).is_file()
        assert (data_dir / row["report_path"]).with_suffix(".xlsx").is_file()
