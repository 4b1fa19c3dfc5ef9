"""Pre-filled forms (预置报表) load as they are filled; the pre-check reviews a file without landing it."""

from __future__ import annotations

import shutil
import subprocess
import sys

import openpyxl

from dagster_project.catalog import load_catalog
from dagster_project.forms import write_forms
from dagster_project.intake import process_inbox
from dagster_project.parsing.periods import parse_period
from dagster_project.settings import REFERENCE_DIR, REPO_ROOT, Settings
from tests.builders import cover, indicator_row, write_workbook


def test_a_generated_form_filled_in_loads(built_sample, tmp_path, catalog):
    inbox, data = built_sample
    settings = Settings(inbox=tmp_path / "inbox", data_dir=tmp_path / "data")
    shutil.copytree(data, settings.data_dir)
    forms = write_forms(settings, parse_period("2024年"))
    assert len(forms) == 5
    form = next(p for p in forms if "科技局" in p.name)
    workbook = openpyxl.load_workbook(form)
    assert workbook["选项"].sheet_state == "hidden"
    names = {c.value for c in workbook["选项"]["A"][1:]}
    assert "技术合同成交额" in names and "规上工业增加值" in names, "the dropdown holds the catalog's names"
    sheet = workbook["指标"]
    assert any(v.sqref and "B2" in str(v.sqref) for v in sheet.data_validations.dataValidation)
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    rows = [r for r in rows if r[1]]
    assert rows and all(r[5] == "实绩" and r[4] == "2024年" for r in rows)
    last_year, target = (
        header.index("上年同期值 / last year (只读)"),
        header.index("本年目标 / this year's target (只读)"),
    )
    assert any(r[last_year] for r in rows) and any(r[target] for r in rows)

    # the department fills 数值 (last year's figure where there is one, else the target) and the cover
    for row in sheet.iter_rows(min_row=2):
        if row[1].value:
            row[7].value = row[last_year].value or row[target].value
    workbook["封面"]["B3"] = "李四"
    workbook["封面"]["B5"] = "2025-01-15"
    settings.inbox.mkdir()
    workbook.save(settings.inbox / form.name)
    outcome = process_inbox(settings, catalog).outcomes[0]
    assert outcome.status == "accepted", (settings.data_dir / outcome.report_path).read_text(encoding="utf-8")[-3000:]
    assert outcome.n_rows == len(rows) and outcome.period_code == "2024"


def test_the_pre_check_prints_the_review_and_lands_nothing(tmp_path):
    path = write_workbook(
        tmp_path / "r.xlsx",
        cover(),
        [indicator_row("新增规模以上工业企业", "五家", "家"), indicator_row("重点企业产值", "5", "亿元")],
    )
    data = tmp_path / "data"
    run = subprocess.run(
        [sys.executable, "-m", "dagster_project.precheck", str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={"DAZU_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert run.returncode == 1
    assert "将被退回" in run.stdout and "指标!H2" in run.stdout and "无法识别的数值" in run.stdout
    assert "未知的指标: 重点企业产值" in run.stdout
    assert not data.exists(), "nothing is landed, archived or written"
    assert load_catalog(REFERENCE_DIR).resolve_indicator("重点企业产值") is None
