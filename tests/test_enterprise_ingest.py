"""The enterprise monthly feed: detection, formats, set-wise checks, rejection of the whole file."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import duckdb
import pytest

from dagster_project.ingest.enterprise import _define_uscc_macro
from dagster_project.ingest.pipeline import process_inbox
from dagster_project.parsing.uscc import CHARSET, check_character, is_valid_uscc
from dagster_project.settings import Settings

HEADER = ["统一社会信用代码", "企业名称", "所属园区", "产业集群", "报告期", "工业总产值当月(万元)", "工业总产值累计(万元)",
          "营业收入(万元)", "利润总额(万元)", "实缴税金(万元)", "综合能耗(吨标准煤)", "研发费用(万元)", "从业人员(人)", "用地面积(亩)"]


def code(number: int) -> str:
    body = f"91500111{number:09d}"
    return body + check_character(body)


def rows(month: str = "2024-06", n: int = 5) -> list[list]:
    return [[code(i), f"企业{i}", "双桥经开区", "锶盐", month, 100 + i, 600 + i, 110, -5, 3, 20, 2, 50, 30] for i in range(n)]


def write_csv(path: Path, data: list[list], encoding: str = "utf-8-sig", header=HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(data)
    return path


@pytest.fixture
def settings(tmp_path):
    return Settings(inbox=tmp_path / "inbox", data_dir=tmp_path / "data")


def _landed(settings: Settings) -> list[tuple]:
    con = duckdb.connect(str(settings.work_warehouse), read_only=True)
    try:
        return con.execute("select credit_code, period_code, area_code, cluster_code, output_month_yuan, profit_yuan "
                           "from raw.enterprise_month order by credit_code").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_lands_in_base_units(settings, catalog, encoding):
    write_csv(settings.inbox / "月报.csv", rows(), encoding)
    outcome = process_inbox(settings, catalog).outcomes[0]
    assert (outcome.status, outcome.n_rows, outcome.period_code) == ("accepted", 5, "2024M06")
    landed = _landed(settings)
    assert landed[0] == (code(0), "2024M06", "shuangqiao_edz", "strontium_salt", 1_000_000.0, -50_000.0)


def test_parquet_lands(settings, catalog, tmp_path):
    source = write_csv(tmp_path / "src.csv", rows(month="2024年7月"))
    settings.inbox.mkdir(parents=True)
    duckdb.execute(f"copy (select * from read_csv('{source}', all_varchar = true)) to "
                   f"'{settings.inbox / '月报.parquet'}' (format parquet)")
    assert process_inbox(settings, catalog).outcomes[0].status == "accepted"
    assert {r[1] for r in _landed(settings)} == {"2024M07"}


@pytest.mark.parametrize("column, value, rule", [
    (0, "915001110000000001", "invalid_credit_code"),
    (0, "91500111000000001", "invalid_credit_code"),
    (3, "航天", "unknown_cluster"),
    (4, "2024年上半年", "unknown_period"),
    (5, "-3", "negative_value"),
    (5, "一百", "unreadable_number"),
    (6, "50", "ytd_below_month"),
    (12, "", "missing_value"),
])
def test_one_bad_row_rejects_the_whole_file(settings, catalog, column, value, rule):
    write_csv(settings.inbox / "good.csv", rows(month="2024-05"))
    process_inbox(settings, catalog)
    data = rows()
    data[3][column] = value
    write_csv(settings.inbox / "bad.csv", data)
    outcome = [o for o in process_inbox(settings, catalog).outcomes if o.file_name == "bad.csv"][0]
    assert outcome.status == "rejected"
    assert {r[1] for r in _landed(settings)} == {"2024M05"}, "nothing of the bad file lands, the earlier file stays"
    report = (settings.data_dir / outcome.report_path).read_text(encoding="utf-8")
    assert f"<code>{rule}</code>" in report and "<td>5</td>" in report  # data row 4 is line 5 of the file


def test_duplicate_enterprise_month_and_missing_column_are_rejected(settings, catalog):
    data = rows()
    write_csv(settings.inbox / "dup.csv", data + [data[0]])
    write_csv(settings.inbox / "col.csv", [r[:-1] for r in rows()], header=HEADER[:-1])
    outcomes = {o.file_name: o for o in process_inbox(settings, catalog).outcomes}
    assert outcomes["dup.csv"].status == outcomes["col.csv"].status == "rejected"
    assert "duplicate_enterprise_month" in (settings.data_dir / outcomes["dup.csv"].report_path).read_text("utf-8")
    assert "用地面积(亩)" in (settings.data_dir / outcomes["col.csv"].report_path).read_text("utf-8")


def test_sql_check_digit_agrees_with_python():
    generator = random.Random(7)
    codes = [code(generator.randrange(10**9)) for _ in range(300)]
    codes += ["".join(generator.choice(CHARSET) for _ in range(18)) for _ in range(300)]
    con = duckdb.connect()
    _define_uscc_macro(con)
    con.execute("create table c (code varchar)")
    con.executemany("insert into c values (?)", [[c] for c in codes])
    sql_result = dict(con.execute("select code, uscc_ok(code) from c").fetchall())
    assert sql_result == {c: is_valid_uscc(c) for c in codes}
    assert 250 < sum(sql_result.values()) < 320
