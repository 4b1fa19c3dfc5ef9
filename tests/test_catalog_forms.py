"""Measures and forms: which names resolve, to what, and which must not."""

from __future__ import annotations

import subprocess

import pytest

from dagster_project.catalog import Catalog, CompositionError, load_catalog
from dagster_project.catalog.files import read_reference_file
from dagster_project.settings import REFERENCE_DIR, REPO_ROOT

# name as written -> (indicator code, base unit, display unit)
RESOLVES = {
    "规上工业增加值": ("above_scale_value_added", "yuan", "亿元"),
    "规上工业增加值增速": ("above_scale_value_added__yoy_growth", "ratio", "%"),
    "规上工业增加值同比增长": ("above_scale_value_added__yoy_growth", "ratio", "%"),
    "规模以上工业增加值增长率": ("above_scale_value_added__yoy_growth", "ratio", "%"),
    "实缴税金": ("tax_paid", "yuan", "亿元"),
    "实缴税金增长": ("industrial_tax_paid_growth", "ratio", "%"),  # the catalog's own code for that pair
    "增值税同比增长": ("vat__yoy_growth", "ratio", "%"),
    "规上工业企业数": ("above_scale_enterprises", "count", "家"),
    "新增规上工业企业数量": ("new_above_scale_enterprises", "count", "家"),
    "从业人员": ("employees", "count", "人"),
    "战略性新兴产业产值": ("strategic_emerging_output", "yuan", "亿元"),
    "战略性新兴产业产值占全部规上工业产值比重": (
        "strategic_emerging_output__share_of_above_scale_industry",
        "ratio",
        "%",
    ),
    "高技术制造业增加值占规上工业增加值比重": (
        "high_tech_mfg_value_added__share_of_above_scale_industry",
        "ratio",
        "%",
    ),
    "规上工业总产值占全市比重": ("above_scale_industrial_output__share_of_city", "ratio", "%"),
    "数字经济核心产业增加值占GDP比重": ("digital_economy_core_value_added__share_of_district", "ratio", "%"),
    "规上工业增加值全市排位": ("above_scale_value_added__city_rank", "rank", "位"),
    "规上工业增加值增幅全市排位": ("above_scale_value_added__growth_city_rank", "rank", "位"),
    "规上工业增加值增速超全市平均增速": ("above_scale_value_added__gap_vs_city_pp", "percentage_points", "个百分点"),
    "规上工业总产值增速高于全市": ("above_scale_output_growth_gap_vs_city", "percentage_points", "个百分点"),
    "新增专精特新企业数量全市排位": ("specialized_enterprises__new_city_rank", "rank", "位"),
    "综合能耗较2020年下降": ("energy_consumption__change_vs_base", "ratio", "%"),
    "综合能耗": ("energy_consumption", "tce", "万吨标准煤"),
    "研发投入增长": ("rd_expenditure_growth", "ratio", "%"),
    "营业收入增速": ("operating_revenue__yoy_growth", "ratio", "%"),
    "利润总额增长": ("total_profit__yoy_growth", "ratio", "%"),
    "全区规上工业总产值": ("above_scale_industrial_output", "yuan", "亿元"),  # the scope is 统计范围's
    "大足区规上工业增加值增速": ("above_scale_value_added__yoy_growth", "ratio", "%"),
    "我区规上工业企业户数": ("above_scale_enterprises", "count", "家"),
    "规上工业增加值增速排全市第3位": ("above_scale_value_added__growth_city_rank", "rank", "位"),
    "技改投资占工业投资比重": ("tech_upgrade_investment__share", "ratio", "%"),  # a parent no form names
    "工业用电量": ("industrial_electricity", "kwh", "亿千瓦时"),
    "综合能耗下降率": ("energy_consumption__yoy_growth", "ratio", "%"),
    "汽摩产业产值": ("above_scale_industrial_output", "yuan", "亿元"),  # for the cluster the name gives
    "五金产业产值增长": ("above_scale_industrial_output_growth", "ratio", "%"),
}
UNRESOLVED = [
    "规上工业增加",
    "规上工业增加值增",
    "规上工业增加值占",
    "重点企业产值",
    "电梯产能占全市比重",
    "增速",
    "全市排位",
    "新增",
    "占全市比重",
    "规上工业增加值增速全市",
    "税金增加值",
]


@pytest.mark.parametrize("name", sorted(RESOLVES))
def test_a_composed_or_catalog_name_resolves(name, catalog):
    code, base_unit, display_unit = RESOLVES[name]
    composition = catalog.resolve_indicator(name)
    assert composition is not None, name
    indicator = composition.indicator
    assert (indicator.code, indicator.base_unit, indicator.display_unit_zh) == (code, base_unit, display_unit)
    assert catalog.indicators[code] is indicator, "a composed indicator is known by its code to every rule"


@pytest.mark.parametrize("name", UNRESOLVED)
def test_a_near_miss_does_not_resolve(name, catalog):
    assert catalog.resolve_indicator(name) is None


def test_the_name_gives_the_base_period_and_the_sign(catalog):
    composition = catalog.resolve_indicator("综合能耗较2020年下降")
    assert (composition.base_period, composition.negated) == ("2020", True)
    assert not catalog.resolve_indicator("综合能耗较2020年增长").negated


def test_a_cluster_named_in_the_indicator_name_is_the_row_cluster(catalog):
    assert catalog.resolve_indicator("汽摩产业产值").cluster_code == "ev_motorcycle"
    assert catalog.resolve_indicator("锶盐产业集群产值增速").cluster_code == "strontium_salt"
    assert catalog.resolve_indicator("综合能耗下降率").negated
    assert catalog.resolve_indicator("其他产业产值") is None, "其他 is no cluster a name can give"


def test_a_name_that_composes_two_ways_is_an_error_naming_both():
    tables = {
        name: read_reference_file(REFERENCE_DIR / name).rows
        for name in ("areas.csv", "clusters.csv", "departments.csv", "indicators.csv", "units.csv", "forms.csv")
    }
    level = {
        "base_unit": "count",
        "display_unit_zh": "家",
        "category": "enterprise",
        "category_zh": "企业培育",
        "direction": "up",
        "is_additive": "false",
        "measure_type": "level",
        "plausible_min": "0",
        "plausible_max": "1000",
        "form_code": "level",
        "aliases": "",
    }
    tables["indicators.csv"] = [
        *tables["indicators.csv"],
        {
            **level,
            "indicator_code": "firm_growth",
            "measure_code": "firm_growth",
            "name_zh": "企业增长",
            "name_en": "Firm growth",
        },
        {
            **level,
            "indicator_code": "new_firms",
            "measure_code": "new_firms",
            "name_zh": "新增企业",
            "name_en": "New firms",
        },
    ]
    catalog = Catalog(tables)
    with pytest.raises(CompositionError) as raised:
        catalog.resolve_indicator("新增企业增长")  # the growth of 新增企业, or the new ones of 企业增长
    assert {i.code for i in raised.value.readings} == {"new_firms__yoy_growth", "firm_growth__new"}


def test_every_name_of_the_catalog_before_measures_and_forms_keeps_its_code(catalog):
    """The catalog as it was before it gained measure_code and form_code: every name and alias."""
    old = subprocess.run(
        ["git", "show", "2260e72:sources/reference/indicators.csv"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    if old.returncode != 0:
        pytest.skip("the repository history is not available")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(old.stdout)))
    assert len(rows) == 101
    for row in rows:
        for name in [row["name_zh"], *filter(None, row["aliases"].split("|"))]:
            assert catalog.resolve_indicator(name).indicator.code == row["indicator_code"], name


def test_the_shipped_catalog_loads_the_same_through_its_one_reader():
    catalog = load_catalog(REFERENCE_DIR)
    assert {i.form_code for i in catalog.indicators.values()} >= {"level", "yoy_growth", "new", "share"}
    assert all(i.measure_code in catalog.indicators for i in catalog.indicators.values())


def test_the_cluster_a_name_gives_lands_on_the_row_and_must_agree_with_the_column(tmp_path, catalog):
    from dagster_project.ingest.reading import read_source_file
    from dagster_project.ingest.submission import parse_submission
    from tests.builders import cover, indicator_row, write_workbook

    path = write_workbook(
        tmp_path / "a.xlsx",
        cover(),
        [indicator_row("汽摩产业产值", "300", "亿元"), indicator_row("锶盐产业产值", "20", "亿元", cluster="锶盐")],
    )
    parsed = parse_submission(read_source_file(path.name, path.read_bytes()), catalog)
    assert parsed.errors == []
    assert [(r.indicator_code, r.cluster_code) for r in parsed.rows] == [
        ("above_scale_industrial_output", "ev_motorcycle"),
        ("above_scale_industrial_output", "strontium_salt"),
    ]
    path = write_workbook(tmp_path / "b.xlsx", cover(), [indicator_row("汽摩产业产值", "300", "亿元", cluster="锶盐")])
    parsed = parse_submission(read_source_file(path.name, path.read_bytes()), catalog)
    assert [i.rule for i in parsed.errors] == ["cluster_conflict"]
