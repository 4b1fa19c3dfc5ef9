"""No file can stop the warehouse: each file of the corpus (tests/corpus.py) beside a good one, in one run.

The bad file is rejected whole with a report in plain words (the exception for the data team beside it) and
recorded, the good file lands with its values as typed, and nothing outside the inbox is read.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from dagster_project import intake as pipeline
from dagster_project.intake import process_inbox
from dagster_project.settings import DEFAULT_LIMITS, IntakeLimits, Settings
from tests import corpus
from tests.builders import cover, indicator_row, write_workbook

SMALL = IntakeLimits(
    max_file_bytes=1_000_000, max_uncompressed_bytes=2_000_000, max_member_bytes=1_500_000, max_rows=50, max_cells=2_000
)
DAMAGED_WORDS = "用 Excel 或 WPS 打开文件后重新保存"


def run(tmp_path: Path, catalog, build, limits: IntakeLimits = DEFAULT_LIMITS, name: str = "bad.xlsx"):
    """good.xlsx and the file build(path) writes, in one pass over the inbox."""
    settings = Settings(inbox=tmp_path / "inbox", data_dir=tmp_path / "data", limits=limits)
    settings.inbox.mkdir(parents=True, exist_ok=True)
    corpus.good_workbook(settings.inbox / "good.xlsx", department="区科技局")
    bad = build(settings.inbox / name)
    result = process_inbox(settings, catalog)
    outcomes = {o.file_name: o for o in result.outcomes}
    assert outcomes["good.xlsx"].status == "accepted", "the good file beside the bad one lands"
    assert landed_values(settings, outcomes["good.xlsx"].submission_id) == {("H2", 20.0), ("H3", 0.125)}
    return settings, outcomes[bad.name if isinstance(bad, Path) else name]


def landed_values(settings: Settings, submission_id: str) -> set[tuple[str, float]]:
    con = duckdb.connect(str(settings.work_warehouse), read_only=True)
    try:
        return set(
            con.execute(
                "select source_cell, value from raw.indicator_value where submission_id = ?", [submission_id]
            ).fetchall()
        )
    finally:
        con.close()


def report_of(settings: Settings, outcome) -> str:
    return (settings.data_dir / outcome.report_path).read_text(encoding="utf-8")


def raw_rows(settings: Settings, submission_id: str) -> list[tuple]:
    con = duckdb.connect(str(settings.work_warehouse), read_only=True)
    try:
        return con.execute(
            "select source_sheet, source_cell, area_code, value_kind, value, raw_text, explanation, "
            "quality_flag from raw.indicator_value where submission_id = ? order by line_no",
            [submission_id],
        ).fetchall()
    finally:
        con.close()


# --- containment: damaged and unreadable files --------------------------------------------------------

DAMAGED = {  # name -> (builder, rule, words in the report, technical: the exception's type)
    "raw_ampersand_in_sheet_xml": (
        corpus.raw_ampersand,
        "unreadable_file",
        DAMAGED_WORDS,
        "ParseError: not well-formed",
    ),
    "damaged_deflate_stream": (corpus.damaged_stream, "unreadable_file", DAMAGED_WORDS, "zlib.error"),
    "cut_off_in_transfer": (corpus.cut_off, "unreadable_file", "如文件在传输中被截断, 请重新发送", "BadZipFile"),
    "html_named_xls": (lambda p: corpus.html_as_xls(p.with_suffix(".xls")), "unreadable_file", "网页(HTML)", ""),
    "damaged_xls": (
        lambda p: _write(p.with_suffix(".xls"), bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600),
        "unreadable_file",
        DAMAGED_WORDS,
        "xlrd",
    ),
    "wps_et_file": (
        lambda p: _write(p.with_suffix(".et"), b"\xd0\xcf\x11\xe0wps"),
        "unreadable_file",
        "另存为 .xlsx",
        "",
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_damaged_file_is_rejected_with_a_report_and_the_run_goes_on(case, tmp_path, catalog):
    build, rule, words, technical = DAMAGED[case]
    settings, outcome = run(tmp_path, catalog, build)
    assert outcome.status == "rejected"
    report = report_of(settings, outcome)
    assert f"<code>{rule}</code>" in report and words in report and technical in report
    assert "已退回" in report
    # recorded by its sha256: the next run does not try it again
    again = {o.file_name: o.status for o in process_inbox(settings, catalog).outcomes}
    assert again[outcome.file_name] == "unchanged"


def test_an_unforeseen_failure_of_one_file_rejects_only_that_file(tmp_path, catalog, monkeypatch):
    real_parse = pipeline.parse_submission

    def parse_or_run_out_of_memory(source, catalog):
        if source.file_name == "bad.xlsx":
            raise MemoryError("simulated: the file exhausted memory")
        return real_parse(source, catalog)

    monkeypatch.setattr(pipeline, "parse_submission", parse_or_run_out_of_memory)
    settings, outcome = run(tmp_path, catalog, corpus.good_workbook)
    assert outcome.status == "rejected"
    report = report_of(settings, outcome)
    assert "MemoryError: simulated" in report and DAMAGED_WORDS in report
    assert (settings.archive_dir / outcome.submission_id / "bad.xlsx").exists(), "the checked bytes are archived"


def test_a_failure_while_reporting_still_leaves_a_report(tmp_path, catalog, monkeypatch):
    real_render = pipeline.render_report_xlsx

    def render_or_fail(record, parsed, department, superseded_by=None):
        if record.file_name == "bad.xlsx":
            raise RuntimeError("simulated failure in the report")
        return real_render(record, parsed, department, superseded_by)

    monkeypatch.setattr(pipeline, "render_report_xlsx", render_or_fail)
    settings, outcome = run(tmp_path, catalog, corpus.good_workbook)
    assert outcome.status == "rejected"
    assert "RuntimeError: simulated failure in the report" in report_of(settings, outcome)


def test_a_csv_with_one_very_long_field_loads(tmp_path, catalog):
    settings, outcome = run(tmp_path, catalog, corpus.long_field_csv, name="long.csv")
    assert outcome.status == "accepted"
    rows = raw_rows(settings, outcome.submission_id)
    assert len(rows[0][6]) == 300_000 and rows[0][4] == 535_000_000


# --- bounded cost -------------------------------------------------------------------------------------

COSTLY = {  # name -> (builder, limits, rule, words)
    "inflates_beyond_the_total": (
        lambda p: corpus.inflating_workbook(p, 3_000_000),
        replace(SMALL, max_compression_ratio=1e9),
        "workbook_too_large",
        "解压后过大",
    ),
    "one_part_inflates_too_far": (
        lambda p: corpus.inflating_workbook(p, 1_700_000),
        replace(SMALL, max_compression_ratio=1e9, max_uncompressed_bytes=5_000_000),
        "workbook_too_large",
        "sheet2.xml",
    ),
    "compressed_beyond_the_ratio": (
        lambda p: corpus.inflating_workbook(p, 1_200_000),
        replace(SMALL, max_compression_ratio=5),
        "workbook_too_large",
        "压缩比异常",
    ),
    "too_many_parts": (
        lambda p: corpus.with_extra_parts(corpus.good_workbook(p), 30),
        replace(SMALL, max_members=20),
        "workbook_too_large",
        "内部文件过多",
    ),
    "too_many_rows": (
        lambda p: corpus.many_rows_csv(p.with_suffix(".csv"), 60),
        SMALL,
        "too_many_rows",
        "超过上限 50 行",
    ),
    "too_many_cells": (
        lambda p: corpus.many_rows_csv(p.with_suffix(".csv"), 40),
        replace(SMALL, max_cells=200),
        "too_many_rows",
        "单元格超过上限",
    ),
    "file_too_large": (
        lambda p: corpus.many_rows_csv(p.with_suffix(".csv"), 1_000),
        replace(SMALL, max_file_bytes=20_000),
        "file_too_large",
        "文件过大",
    ),
}


@pytest.mark.parametrize("case", sorted(COSTLY))
def test_a_file_beyond_the_limits_is_refused_before_it_is_parsed(case, tmp_path, catalog):
    build, limits, rule, words = COSTLY[case]
    settings, outcome = run(tmp_path, catalog, build, limits)
    assert outcome.status == "rejected"
    report = report_of(settings, outcome)
    assert f"<code>{rule}</code>" in report and words in report


@pytest.mark.parametrize("row, column", [(1_048_576, 16_384), (1_048_576, 1), (3, 16_384)])
def test_a_stray_formatted_cell_far_from_the_data_costs_nothing(row, column, tmp_path, catalog):
    """The sheet's dimension reaches the stray cell; with the row and cell limits this small, reading any cell
    it implies would be refused."""
    settings, outcome = run(tmp_path, catalog, lambda p: corpus.stray_cell(p, row, column), SMALL)
    assert outcome.status == "accepted"
    assert {(cell, value) for _, cell, _, _, value, *_ in raw_rows(settings, outcome.submission_id)} == {
        ("H2", 20.0),
        ("H3", 0.125),
    }


# --- the inbox is files, not links ----------------------------------------------------------------------

MARKER = "MARKER-7f3a9c-outside-the-inbox"


def test_links_and_special_files_are_named_never_followed(tmp_path, catalog):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.csv"
    secret.write_text(
        "指标名称,统计范围,数据类型,数值,单位,说明,报送单位,报告期\n"
        f"工业投资增速,全区,实绩,12.5,%,{MARKER},区科技局,2024年1-6月\n",
        encoding="utf-8",
    )
    corpus.good_workbook(outside / f"{MARKER}.xlsx")

    def links(path: Path) -> Path:
        inbox = path.parent
        (inbox / "link.csv").symlink_to(secret)
        (inbox / "linked_folder").symlink_to(outside, target_is_directory=True)
        (inbox / "dangling.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
        os.mkfifo(inbox / "pipe.csv")
        return inbox / "link.csv"

    settings, outcome = run(tmp_path, catalog, links)
    outcomes = {o.file_name: o for o in process_inbox(settings, catalog).outcomes}
    assert set(outcomes) == {"good.xlsx", "link.csv", "linked_folder", "dangling.xlsx", "pipe.csv"}
    assert outcome.status == "rejected"
    report = report_of(settings, outcome)
    assert "<code>not_a_regular_file</code>" in report and "符号链接" in report and "link.csv" in report
    con = duckdb.connect(str(settings.work_warehouse), read_only=True)
    try:
        recorded = dict(con.execute("select file_name, status from raw.submission").fetchall())
    finally:
        con.close()
    assert recorded == {
        "good.xlsx": "accepted",
        "link.csv": "rejected",
        "linked_folder": "rejected",
        "dangling.xlsx": "rejected",
        "pipe.csv": "rejected",
    }
    for path in settings.data_dir.rglob("*"):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), f"{path} holds what lies outside the inbox"
            assert MARKER not in path.name


# --- dates --------------------------------------------------------------------------------------------------


def test_a_date_sent_in_the_future_is_an_error_and_its_correction_counts(tmp_path, catalog):
    settings = Settings(inbox=tmp_path / "inbox", data_dir=tmp_path / "data")
    write_workbook(settings.inbox / "wrong_date.xlsx", cover(sent=dt.date(2030, 1, 1)), corpus.GOOD_ROWS)
    first = {o.file_name: o for o in process_inbox(settings, catalog).outcomes}["wrong_date.xlsx"]
    assert first.status == "rejected"
    assert "<code>sent_date_after_arrival</code>" in report_of(settings, first) and "2030-01-01" in report_of(
        settings, first
    )

    write_workbook(settings.inbox / "correction.xlsx", cover(sent=dt.date(2024, 7, 16)), corpus.GOOD_ROWS)
    second = {o.file_name: o for o in process_inbox(settings, catalog).outcomes}["correction.xlsx"]
    assert second.status == "accepted"
    report = report_of(settings, second)
    assert "未发现问题" in report and "取代" not in report


@pytest.mark.parametrize(
    "period, sent, rule",
    [
        ("2031年", dt.date(2026, 1, 1), "period_not_begun"),
        ("2024年1-6月", dt.date(2023, 12, 1), "sent_date_before_period"),
    ],
)
def test_dates_that_cannot_be_right_reject_the_file(period, sent, rule, tmp_path, catalog):
    settings, outcome = run(
        tmp_path, catalog, lambda p: write_workbook(p, cover(period=period, sent=sent), corpus.GOOD_ROWS)
    )
    assert outcome.status == "rejected" and f"<code>{rule}</code>" in report_of(settings, outcome)


def test_an_actual_for_a_period_still_running_is_a_soft_finding_unless_explained(tmp_path, catalog):
    def early_report(path: Path) -> Path:
        write_workbook(
            path,
            cover(period="2024年1-6月", sent=dt.date(2024, 6, 28)),
            [
                indicator_row("新增规模以上工业企业", 20, "家"),
                indicator_row("工业投资增速", "12.5", "%", note="快报数, 6月最后两天按预计数"),
                indicator_row("技术合同成交额", "3", "亿元", kind="实绩", period="2031年"),
            ],
        )
        return path

    def arrived_on_28_june(path: Path) -> Path:
        early_report(path)
        arrival = dt.datetime(2024, 6, 28, 9, 0, tzinfo=dt.UTC).timestamp()
        os.utime(path, (arrival, arrival))
        return path

    settings, outcome = run(tmp_path, catalog, arrived_on_28_june)
    report = report_of(settings, outcome)
    assert outcome.status == "rejected" and "<code>actual_for_future_period</code>" in report  # the 2031 actual

    def without_the_2031_actual(path: Path) -> Path:
        write_workbook(
            path,
            cover(period="2024年1-6月", sent=dt.date(2024, 6, 28)),
            [
                indicator_row("新增规模以上工业企业", 20, "家"),
                indicator_row("工业投资增速", "12.5", "%", note="快报数, 6月最后两天按预计数"),
            ],
        )
        arrival = dt.datetime(2024, 6, 28, 9, 0, tzinfo=dt.UTC).timestamp()
        os.utime(path, (arrival, arrival))
        return path

    settings, outcome = run(tmp_path / "second", catalog, without_the_2031_actual, name="early.xlsx")
    assert outcome.status == "accepted" and outcome.n_warnings == 2
    flags = [row[7] for row in raw_rows(settings, outcome.submission_id)]
    assert flags == ["actual_before_period_end", "explained:actual_before_period_end"]
    assert "<code>actual_before_period_end</code>" in report_of(settings, outcome)


def test_a_report_says_when_its_file_is_already_superseded(tmp_path, catalog):
    settings = Settings(inbox=tmp_path / "inbox", data_dir=tmp_path / "data")
    write_workbook(settings.inbox / "a.xlsx", cover(sent=dt.date(2024, 7, 15)), corpus.GOOD_ROWS)
    process_inbox(settings, catalog)
    # sent later, but dated earlier than the one already accepted: accepted, and superseded at once
    write_workbook(settings.inbox / "b.xlsx", cover(sent=dt.date(2024, 7, 10)), corpus.GOOD_ROWS[:1])
    late = {o.file_name: o for o in process_inbox(settings, catalog).outcomes}["b.xlsx"]
    assert late.status == "accepted"
    assert "已接收, 但已被“a.xlsx”(报出日期 2024-07-15)取代" in report_of(settings, late)


def test_a_report_written_before_a_later_file_of_the_same_run_is_rewritten(tmp_path, catalog):
    settings = Settings(inbox=tmp_path / "inbox", data_dir=tmp_path / "data")
    write_workbook(settings.inbox / "1.xlsx", cover(sent=dt.date(2024, 7, 10)), corpus.GOOD_ROWS[:1])
    write_workbook(settings.inbox / "2.xlsx", cover(sent=dt.date(2024, 7, 15)), corpus.GOOD_ROWS)
    outcomes = {o.file_name: o for o in process_inbox(settings, catalog).outcomes}
    assert "已被“2.xlsx”(报出日期 2024-07-15)取代" in report_of(settings, outcomes["1.xlsx"])
    assert "取代" not in report_of(settings, outcomes["2.xlsx"])


# --- Excel habits -----------------------------------------------------------------------------------------


def test_merged_cells_apply_to_every_cell_they_cover(tmp_path, catalog):
    settings, outcome = run(tmp_path, catalog, corpus.merged_scope)
    assert outcome.status == "accepted"
    assert [(cell, area, kind) for _, cell, area, kind, *_ in raw_rows(settings, outcome.submission_id)] == [
        ("H2", "shuangqiao_edz", "actual"),
        ("H3", "shuangqiao_edz", "actual"),
        ("H4", "shuangqiao_edz", "actual"),
    ]


@pytest.mark.parametrize("column, cell", [("数值", "H2"), ("说明", "K2"), ("产业集群", "D2")])
def test_a_formula_without_a_saved_result_is_an_error_in_any_column(column, cell, tmp_path, catalog):
    settings, outcome = run(tmp_path, catalog, lambda p: corpus.formula_workbook(p, column))
    assert outcome.status == "rejected"
    report = report_of(settings, outcome)
    assert "<code>formula_without_result</code>" in report and "公式未保存计算结果" in report
    assert f"<td>{cell}</td>" in report


def test_a_formula_is_read_by_its_saved_result(tmp_path, catalog):
    def formulas(path: Path) -> Path:
        corpus.formula_workbook(path, "数值", "=3+4", saved="7")
        return path

    settings, outcome = run(tmp_path, catalog, formulas)
    assert outcome.status == "accepted"
    assert raw_rows(settings, outcome.submission_id)[0][4] == 700_000_000  # 7 亿元

    settings, outcome = run(
        tmp_path / "text",
        catalog,
        lambda p: corpus.formula_workbook(p, "说明", '="快报"&"数"', saved="快报数", value_type="str"),
    )
    assert outcome.status == "accepted" and raw_rows(settings, outcome.submission_id)[0][6] == "快报数"


def test_a_formula_saved_with_an_error_value_is_an_error(tmp_path, catalog):
    settings, outcome = run(
        tmp_path, catalog, lambda p: corpus.formula_workbook(p, "数值", "=1/0", saved="#DIV/0!", value_type="e")
    )
    assert outcome.status == "rejected" and "#DIV/0!" in report_of(settings, outcome)


def test_minus_signs_as_people_type_them(tmp_path, catalog):
    settings, outcome = run(tmp_path, catalog, corpus.minus_signs)
    assert outcome.status == "accepted"
    values = {raw: value for _, _, _, _, value, raw, *_ in raw_rows(settings, outcome.submission_id)}
    assert values == pytest.approx({"−5.2": -0.052, "–3": -0.03, "—1.5": -0.015, "－2": -0.02, "1—2": 1.0})


def test_an_unreadable_value_names_the_character_that_stopped_it(tmp_path, catalog):
    settings, outcome = run(
        tmp_path, catalog, lambda p: write_workbook(p, cover(), [indicator_row("新增规模以上工业企业", "1O0", "家")])
    )
    report = report_of(settings, outcome)
    assert outcome.status == "rejected" and "“O”(U+004F)" in report


# --- legacy workbooks ----------------------------------------------------------------------------------------


def test_a_legacy_xls_workbook_loads_with_its_provenance(tmp_path, catalog):
    rows = [
        indicator_row("规上工业总产值", "120", "亿元", area="双桥经开区"),
        indicator_row("工业投资增速", 0.125, None),
        indicator_row("新增规模以上工业企业", 3, "家"),
    ]
    settings, outcome = run(
        tmp_path, catalog, lambda p: corpus.legacy_xls(p.with_suffix(".xls"), rows, merge_scope=True), name="bad.xls"
    )
    assert outcome.status == "accepted"
    got = raw_rows(settings, outcome.submission_id)
    assert [(sheet, cell, area, value) for sheet, cell, area, _, value, *_ in got] == [
        ("指标", "H2", "shuangqiao_edz", 12_000_000_000),
        ("指标", "H3", "shuangqiao_edz", 0.125),
        ("指标", "H4", "shuangqiao_edz", 3),
    ]
    assert got[1][5] == "12.5%", "a percent-formatted cell is kept as it shows"


# --- the whole nightly job ------------------------------------------------------------------------------------


def test_the_nightly_job_publishes_the_sample_beside_every_kind_of_bad_file(tmp_path):
    from tests.builders import SAMPLE_INBOX, copy_sample_inbox
    from tests.pipeline_runs import run_nightly, snapshot

    inbox = copy_sample_inbox(tmp_path / "inbox")
    bad = [
        corpus.raw_ampersand(inbox / "未转义.xlsx"),
        corpus.damaged_stream(inbox / "损坏.xlsx"),
        corpus.cut_off(inbox / "截断.xlsx"),
        corpus.formula_workbook(inbox / "公式.xlsx", "数值"),
        corpus.html_as_xls(inbox / "网页.xls"),
    ]
    (inbox / "链接.xlsx").symlink_to(inbox / "经信委2023年报(终版).xlsx")
    good = [
        corpus.stray_cell(inbox / "远处格式.xlsx"),
        corpus.legacy_xls(inbox / "旧版.xls"),
        corpus.long_field_csv(inbox / "超长字段.csv"),
    ]
    run_nightly(inbox, tmp_path / "data")

    marts = snapshot(tmp_path / "data")
    status = {row["file_name"]: row["status"] for row in marts["fct_submission"]}
    rejected = [p.name for p in bad] + ["链接.xlsx"]
    assert {name: status.get(name) for name in rejected} == dict.fromkeys(rejected, "rejected")
    assert all(status[p.name] in ("accepted", "superseded") for p in good)
    sample = [p.name for p in SAMPLE_INBOX.rglob("*") if p.is_file()]
    assert {name: status.get(name) for name in sample} == dict.fromkeys(sample, "accepted"), "the sample lands whole"
    assert marts["fct_indicator_value"] and marts["fct_cluster_output"], "the marts are published"


@pytest.mark.parametrize("build", [corpus.raw_ampersand, corpus.damaged_stream, corpus.cut_off])
def test_the_reader_itself_names_a_damaged_workbook(build, tmp_path):
    """Not only the pipeline's containment: make check and every other reader of a file get the same words."""
    from dagster_project.ingest.reading import read_source_file
    from dagster_project.parsing.errors import ParseError

    path = build(tmp_path / "bad.xlsx")
    with pytest.raises(ParseError) as raised:
        read_source_file(path.name, path.read_bytes())
    assert raised.value.rule == "unreadable_file" and DAMAGED_WORDS in raised.value.fix_zh
    assert raised.value.technical
