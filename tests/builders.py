"""Submissions built the way departments fill the template, for tests."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl

from dagster_project.settings import REPO_ROOT

SAMPLE_INBOX = REPO_ROOT / "sources" / "inbox"
INDICATOR_HEADER = [
    "序号",
    "指标名称",
    "统计范围",
    "产业集群",
    "期间",
    "数据类型",
    "目标要求",
    "数值",
    "单位",
    "比较基期",
    "说明",
]


def write_workbook(
    path: Path,
    cover: dict,
    rows: list[list],
    header: list[str] = INDICATOR_HEADER,
    title: str | None = None,
    cluster_rows: list[list] | None = None,
    cluster_header: list[str] | None = None,
) -> Path:
    """A submission as a department fills the template."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "封面"
    for label, value in cover.items():
        ws.append([label, value])
    sheet = wb.create_sheet("指标")
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if cluster_rows is not None:
        clusters = wb.create_sheet("集群产值")
        clusters.append(cluster_header or ["产业集群", "统计范围", "规上工业产值(亿元)", "同比增长", "说明"])
        for row in cluster_rows:
            clusters.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def indicator_row(
    name, value, unit, area="全区", kind="实绩", period=None, strength=None, cluster=None, base=None, note=None
) -> list:
    return [None, name, area, cluster, period, kind, strength, value, unit, base, note]


def cover(department="区经济信息委", period="2024年1-6月", sent=dt.date(2024, 7, 15)) -> dict:
    return {"报送单位": department, "报告期": period, "填报人": "张三", "联系电话": "023-43780000", "报出日期": sent}


def copy_sample_inbox(target: Path) -> Path:
    shutil.copytree(SAMPLE_INBOX, target)
    return target
