"""The template as people fill it: title rows, reordered columns, date cells, CSV encodings."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from dagster_project.ingest.enterprise import is_enterprise_file
from dagster_project.ingest.inbox import list_inbox, read_inbox_file
from dagster_project.ingest.reading import read_source_file
from dagster_project.ingest.submission import parse_submission
from dagster_project.intake import parse_file
from tests.builders import SAMPLE_INBOX, cover, indicator_row, write_workbook

CSV_TEXT = (
    "序号,报送单位,报告期,指标名称,统计范围,数据类型,目标要求,期间,数值,单位,说明\n"
    "1,大足区科学技术局,2023年,技术合同成交额,全区,实绩,,,5.35,亿元,\n"
    "2,大足区科学技术局,2023年,高新技术企业,全区,目标,,2024年,210以上,家,\n"
    "3,大足区科学技术局,2023年,研发投入强度,全市,参照,,,2.36%,,全市平均\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(encoding, catalog):
    parsed = parse_submission(read_source_file("科技局.csv", CSV_TEXT.encode(encoding)), catalog)
    assert parsed.errors == []
    assert parsed.department_code == "science_tech_bureau" and parsed.period.code == "2023"
    by_code = {r.indicator_code: r for r in parsed.rows}
    assert by_code["technology_contract_value"].value == 535_000_000
    target = by_code["high_tech_enterprises"]
    assert (target.value_kind, target.period_code, target.comparator, target.value) == ("target", "2024", ">=", 210)
    reference = by_code["rd_intensity"]
    assert (reference.area_code, reference.value_kind, reference.value) == ("chongqing_city", "reference", 0.0236)
    assert (reference.source_sheet, reference.source_row, reference.source_cell) == ("指标", 4, "I4")


def test_title_row_reordered_columns_date_cells_and_percent_cells(tmp_path, catalog):
    header = ["说明", "数值", "单位", "指标名称", "数据类型", "统计范围", "期间"]
    path = write_workbook(
        tmp_path / "经信委2024上半年(2).xlsx",
        {"报告期": "2024年1—6月", "报送单位": "大足区经济和信息化委员会", "报出日期": dt.datetime(2024, 7, 15)},
        [
            [None, "270余", "家", "实施智能化改造企业", "实绩", "全区", None],
            [None, 0.314, "%", "工业投资增速", "实绩", "全区", None],
            ["Excel 把 2024-06 变成了日期", 12, "个", "新增数字化车间", "实绩", "全区", dt.datetime(2024, 6, 1)],
        ],
        header=header,
        title="大足区经济信息委2024年上半年指标报送表",
    )
    wb = openpyxl.load_workbook(path)
    wb["指标"]["B4"].number_format = "0.0%"
    wb.save(path)

    parsed = parse_submission(read_source_file(path.name, path.read_bytes()), catalog)
    assert parsed.errors == []
    assert parsed.period.code == "2024H1" and parsed.sent_date == dt.date(2024, 7, 15)
    rows = {r.indicator_code: r for r in parsed.rows}
    assert (rows["smart_transformation_enterprises"].comparator, rows["smart_transformation_enterprises"].value) == (
        ">",
        270,
    )
    assert rows["smart_transformation_enterprises"].source_cell == "B3"
    assert rows["industrial_investment_growth"].value == pytest.approx(0.314)
    assert rows["industrial_investment_growth"].raw_text == "31.4%"
    assert rows["new_digital_workshops"].period_code == "2024M06"
    assert set(parsed.periods) == {"2024H1", "2024M06"}


def test_units_are_normalised_to_base_units(tmp_path, catalog):
    rows = [
        indicator_row("签约项目正式合同额", "超过623", "亿元"),
        indicator_row("知识价值信用贷款余额", "1.5亿", None, kind="目标", period="2024年"),
        indicator_row("引导商业贷款", "27800", "万元"),
        indicator_row("新建园区道路", 15.5, "公里"),
        indicator_row("盘活闲置厂房", "10.1", "万平方米"),
        indicator_row("亩均税收", "不低于10", "万元/亩", kind="目标", period="2024年", strength="确保"),
        indicator_row("规上工业总产值增速较全市高", "4.1", "个百分点"),
        indicator_row("项目可研审批时限", "15", "个工作日", kind="参照"),
        indicator_row("电梯年产量占全市比重", "1/3", None),
        indicator_row("年仓储转运电梯整机能力", "1万", "台", kind="参照"),
        indicator_row("规上工业单位增加值能耗", "下降5.2", "%", kind="目标", period="2024年", base="2022年"),
        indicator_row("引进龙头企业", "1—2", "家", kind="目标", period="2024年"),
    ]
    path = write_workbook(tmp_path / "units.xlsx", cover(period="2023年"), rows)
    parsed = parse_submission(read_source_file(path.name, path.read_bytes()), catalog)
    assert parsed.errors == []
    got = {r.indicator_code: r for r in parsed.rows}
    assert got["signed_contract_value"].value == 62_300_000_000 and got["signed_contract_value"].comparator == ">"
    assert got["signed_contract_value"].display_value == 623 and got["signed_contract_value"].display_unit_zh == "亿元"
    assert got["knowledge_value_loan_balance"].value == 150_000_000
    assert got["commercial_loans_guided"].value == 278_000_000
    assert got["commercial_loans_guided"].display_value == pytest.approx(2.78)
    assert got["park_roads_built"].value == 15_500
    assert got["idle_factory_space_revitalized"].value == 101_000
    assert got["tax_per_mu"].value == 100_000 and got["tax_per_mu"].target_strength == "ensure"
    assert got["above_scale_output_growth_gap_vs_city"].value == pytest.approx(4.1)
    assert got["feasibility_approval_days"].value == 15
    assert got["elevator_output_share_of_city"].value == pytest.approx(1 / 3)
    assert got["elevator_storage_transfer_capacity"].value == 10_000
    change = got["energy_intensity_change"]
    assert change.value == pytest.approx(-0.052) and change.base_period_code == "2022"
    assert (
        got["leading_enterprises_introduced"].comparator,
        got["leading_enterprises_introduced"].value,
        got["leading_enterprises_introduced"].value_upper,
    ) == ("range", 1, 2)


def test_cluster_sheet_lands_output_and_growth(tmp_path, catalog):
    path = write_workbook(
        tmp_path / "clusters.xlsx",
        cover(period="2023年"),
        [],
        cluster_rows=[["镗盐", "全区", 18.7, "7.4%", "示例数据"], ["其他", None, "45.8", 3.1, None]],
    )
    parsed = parse_submission(read_source_file(path.name, path.read_bytes()), catalog)
    assert parsed.errors == []
    got = {(r.cluster_code, r.indicator_code): r for r in parsed.rows}
    assert got[("strontium_salt", "above_scale_industrial_output")].value == 1_870_000_000
    assert got[("strontium_salt", "above_scale_industrial_output_growth")].value == pytest.approx(0.074)
    assert got[("other", "above_scale_industrial_output_growth")].value == pytest.approx(0.031)
    assert got[("other", "above_scale_industrial_output")].source_cell == "C3"


def test_bundled_sample_parses_without_errors(catalog):
    files = [p for p in list_inbox(SAMPLE_INBOX) if not is_enterprise_file(p)]
    assert len(files) == 5 and any(p.suffix == ".csv" for p in files)
    departments = set()
    for path in files:
        parsed = parse_file(read_inbox_file(path), catalog)
        assert parsed.errors == [], (path.name, parsed.errors[:3])
        assert parsed.period.code == "2023"
        departments.add(parsed.department_code)
    assert len(departments) == 5


def test_sample_csv_is_gbk():
    csv_file = next(p for p in list_inbox(SAMPLE_INBOX) if p.suffix == ".csv" and not is_enterprise_file(p))
    data = csv_file.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "报送单位" in data.decode("gbk")


def test_cover_labels_and_sheet_names_as_people_write_them(tmp_path, catalog):
    path = write_workbook(
        tmp_path / "x.xlsx",
        {"报送单位（盖章）：": "区科技局", "报告期:": "2024Q1", "填报日期": "2024-04-10"},
        [indicator_row("技术合同成交额", "1.2", "亿元")],
    )
    wb = openpyxl.load_workbook(path)
    wb["指标"].title = "指标表 "
    wb.save(path)
    parsed = parse_submission(read_source_file(path.name, path.read_bytes()), catalog)
    assert parsed.errors == []
    assert (parsed.department_code, parsed.period.code, parsed.sent_date) == (
        "science_tech_bureau",
        "2024Q1",
        dt.date(2024, 4, 10),
    )
    assert parsed.rows[0].source_sheet == "指标表"


def test_read_inbox_hashes_every_file_and_keeps_the_inbox_order(tmp_path):
    import hashlib

    from dagster_project.ingest.inbox import read_inbox

    (tmp_path / "sub").mkdir()
    sizes = {"b.csv": 10, "a.xlsx": 3_000_001, "sub/c.parquet": 2_500_000, "d.csv": 0, "~$lock.xlsx": 5}
    for index, (name, size) in enumerate(sizes.items()):
        (tmp_path / name).write_bytes(bytes([index]) * size)
    files = list(read_inbox(tmp_path))
    assert (
        [f.name for f in files] == [p.name for p in list_inbox(tmp_path)] == ["a.xlsx", "b.csv", "d.csv", "c.parquet"]
    )
    assert [f.sha256 for f in files] == [hashlib.sha256(f.path.read_bytes()).hexdigest() for f in files]
