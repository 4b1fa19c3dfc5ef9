"""The enterprise monthly feed: detection, formats, set-wise checks, rejection of the whole file."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import duckdb
import pytest

from dagster_project.ingest.enterprise import (
    REPORTED_ROWS,
    _define_uscc_macro,
    load_enterprise_file,
)
from dagster_project.intake import process_inbox
from dagster_project.parsing.uscc import CHARSET, check_character, is_valid_uscc
from dagster_project.raw_tables import ENTERPRISE_MONTH
from dagster_project.settings import Settings

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "所属园区",
    "产业集群",
    "报告期",
    "工业总产值当月(万元)",
    "工业总产值累计(万元)",
    "营业收入(万元)",
    "利润总额(万元)",
    "实缴税金(万元)",
    "综合能耗(吨标准煤)",
    "研发费用(万元)",
    "从业人员(人)",
    "用地面积(亩)",
]


def code(number: int) -> str:
    body = f"91500111{number:09d}"
    return body + check_character(body)


def rows(month: str = "2024-06", n: int = 5) -> list[list]:
    return [
        [code(i), f"企业{i}", "双桥经开区", "锶盐", month, 100 + i, 600 + i, 110, -5, 3, 20, 2, 50, 30]
        for i in range(n)
    ]


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
        return con.execute(
            "select credit_code, period_code, area_code, cluster_code, output_month_yuan, profit_yuan "
            "from raw.enterprise_month order by credit_code"
        ).fetchall()
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
    duckdb.execute(
        f"copy (select * from read_csv('{source}', all_varchar = true)) to "
        f"'{settings.inbox / '月报.parquet'}' (format parquet)"
    )
    assert process_inbox(settings, catalog).outcomes[0].status == "accepted"
    assert {r[1] for r in _landed(settings)} == {"2024M07"}


@pytest.mark.parametrize(
    "column, value, rule",
    [
        (0, "915001110000000001", "invalid_credit_code"),
        (0, "91500111000000001", "invalid_credit_code"),
        (3, "航天", "unknown_cluster"),
        (4, "2024年上半年", "unknown_period"),
        (5, "-3", "negative_value"),
        (5, "一百", "unreadable_number"),
        (6, "50", "ytd_below_month"),
        (12, "", "missing_value"),
    ],
)
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


def _issues(path: Path, catalog, engine=None) -> list[tuple]:
    result = load_enterprise_file(engine or duckdb.connect(), path, catalog)
    return [(i.rule, i.row, i.column, i.value_text) for i in result.parsed.issues]


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_every_rule_is_counted_and_listed_with_its_rows(tmp_path, catalog, kind):
    data = rows(n=12)
    data[1][0] = code(1)[:17] + ("0" if code(1)[17] != "0" else "1")  # wrong check character
    data[2][3] = "航天"
    data[3][4] = "2024年上半年"
    data[5][0] = data[4][0]  # the same enterprise twice in 2024-06
    data[6][5] = "一百"
    data[7][12] = ""
    data[8][9] = "-1"
    data[9][6] = "1"  # YTD below the month
    data[10][0] = ""
    path = write_csv(tmp_path / "bad.csv", data)
    if kind == "parquet":  # every column text: read as the CSV is
        duckdb.execute(
            f"copy (select * from read_csv('{path}', all_varchar = true)) to '{tmp_path / 'bad.parquet'}' "
            f"(format parquet)"
        )
        path = tmp_path / "bad.parquet"
    assert _issues(path, catalog) == [  # in the order of the rules; row = line of the file (header is line 1)
        ("invalid_credit_code", 3, "统一社会信用代码", data[1][0]),
        ("invalid_credit_code", 12, "统一社会信用代码", ""),
        ("unknown_cluster", 4, "产业集群", "航天"),
        ("unknown_period", 5, "报告期", "2024年上半年"),
        ("duplicate_enterprise_month", 6, "统一社会信用代码", data[4][0]),
        ("duplicate_enterprise_month", 7, "统一社会信用代码", data[4][0]),
        ("ytd_below_month", 11, "工业总产值累计(万元)", "1"),
        ("unreadable_number", 8, "工业总产值当月(万元)", "一百"),
        ("negative_value", 10, "实缴税金(万元)", "-1"),
        ("missing_value", 9, "从业人员(人)", ""),
    ]


def test_a_rule_lists_its_first_rows_and_counts_the_rest(tmp_path, catalog):
    data = rows(n=REPORTED_ROWS + 50)
    for row in data:
        row[6] = 1
    issues = _issues(write_csv(tmp_path / "ytd.csv", data), catalog)
    assert [i[1] for i in issues[:REPORTED_ROWS]] == list(range(2, REPORTED_ROWS + 2))
    assert issues[REPORTED_ROWS][:2] == ("ytd_below_month", None) and len(issues) == REPORTED_ROWS + 1
    result = load_enterprise_file(duckdb.connect(), tmp_path / "ytd.csv", catalog)
    assert "另有50行" in result.parsed.issues[-1].problem_zh


def test_credit_codes_checked_in_an_earlier_file_are_checked_again_when_invalid(tmp_path, catalog):
    """Valid codes are remembered for the next file of a run; an invalid one is never taken for valid."""
    engine = duckdb.connect()
    assert _issues(write_csv(tmp_path / "a.csv", rows(month="2024-05")), catalog, engine) == []
    data = rows()
    data[2][0] = data[2][0][:17] + ("0" if data[2][0][17] != "0" else "1")
    data[3][0] = data[1][0]
    issues = _issues(write_csv(tmp_path / "b.csv", data), catalog, engine)
    assert [(rule, row) for rule, row, *_ in issues] == [
        ("invalid_credit_code", 4),
        ("duplicate_enterprise_month", 3),
        ("duplicate_enterprise_month", 5),
    ]
    assert _issues(write_csv(tmp_path / "c.csv", data), catalog, engine) == issues


def test_typed_parquet_lands_the_same_numbers_as_text(settings, catalog, tmp_path):
    """Parquet numbers (DECIMAL, INTEGER) are cast directly; the doubles are those read from the text."""
    data = rows(n=40)
    for i, row in enumerate(data):
        row[5:] = [
            f"{i * 7.31 + 0.01:.2f}",
            f"{i * 1234.57 + 99.99:.2f}",
            "0.1",
            f"{-i * 0.3:.2f}",
            "1.15",
            "2.675",
            "100",
            str(i),
            "12.345",
        ]
    source = write_csv(tmp_path / "src.csv", data)
    numbers = ", ".join(
        f'cast("{h}" as decimal(18, 3)) as "{h}"' if h != "从业人员(人)" else f'cast("{h}" as integer) as "{h}"'
        for h in HEADER[5:]
    )
    settings.inbox.mkdir(parents=True)
    texts = ", ".join(f'"{h}"' for h in HEADER[:5])
    duckdb.execute(
        f"copy (select {texts}, {numbers} "
        f"from read_csv('{source}', all_varchar = true)) to '{settings.inbox / 'typed.parquet'}' (format parquet)"
    )
    assert [o.status for o in process_inbox(settings, catalog).outcomes] == ["accepted"]
    text_only = Settings(inbox=tmp_path / "inbox2", data_dir=tmp_path / "data2")
    write_csv(text_only.inbox / "text.csv", data)
    process_inbox(text_only, catalog)
    columns = (
        "row_no, credit_code, area_code, cluster_code, period_code, month_start, output_month_yuan, "
        "output_ytd_yuan, revenue_yuan, profit_yuan, tax_yuan, energy_tce, rd_yuan, employees, land_mu"
    )
    landed = []
    for s in (settings, text_only):
        con = duckdb.connect(str(s.work_warehouse), read_only=True)
        try:
            landed.append(con.execute(f"select {columns} from raw.enterprise_month order by row_no").fetchall())
        finally:
            con.close()
    assert landed[0] == landed[1] and [r[0] for r in landed[0]] == list(range(1, 41))


def test_primary_key_of_earlier_versions_is_dropped_and_rows_kept(settings, catalog):
    """raw.enterprise_month had primary key (submission_id, row_no); its index only slowed every insert."""
    settings.work_warehouse.parent.mkdir(parents=True)
    con = duckdb.connect(str(settings.work_warehouse))
    con.execute("create schema raw")
    con.execute(
        ENTERPRISE_MONTH.ddl("double").rstrip().rstrip(")").rstrip() + ",\n    primary key (submission_id, row_no))"
    )
    con.execute(
        "insert into raw.enterprise_month (submission_id, row_no, credit_code, cluster_code, period_code, "
        "month_start, loaded_at) values ('sub_old', 1, 'X', 'other', '2024M01', date '2024-01-01', now())"
    )
    con.close()
    write_csv(settings.inbox / "月报.csv", rows())
    assert process_inbox(settings, catalog).outcomes[0].status == "accepted"
    con = duckdb.connect(str(settings.work_warehouse), read_only=True)
    try:
        assert con.execute(
            "select count(*) from duckdb_constraints() where table_name = 'enterprise_month' "
            "and constraint_type = 'PRIMARY KEY'"
        ).fetchone() == (0,)
        assert con.execute(
            "select submission_id = 'sub_old', count(*) from raw.enterprise_month group by 1 order by 1"
        ).fetchall() == [(False, 5), (True, 1)]
        assert (
            con.execute(
                "select count(*) from duckdb_constraints() where table_name = 'enterprise_month' "
                "and constraint_type = 'NOT NULL'"
            ).fetchone()[0]
            >= 6
        )
    finally:
        con.close()
