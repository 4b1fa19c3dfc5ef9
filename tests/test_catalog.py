import csv

import pytest

from dagster_project.catalog import Catalog
from dagster_project.parsing.text import normalize_name
from dagster_project.settings import REFERENCE_DIR


@pytest.mark.parametrize(
    "name, code",
    [
        ("技术合同成交额", "technology_contract_value"),
        ("技术合同交易额", "technology_contract_value"),
        ("“上云”企业数量", "cloud_adopting_enterprises"),
        ('"上云"企业数量', "cloud_adopting_enterprises"),
        ("上云企业数量", "cloud_adopting_enterprises"),
        ("上云企业数", "cloud_adopting_enterprises"),
        ("上 云 企 业", "cloud_adopting_enterprises"),
        ("工业投资增速", "industrial_investment_growth"),
        ("工业投资增长率", "industrial_investment_growth"),
        ("工业投资增长", "industrial_investment_growth"),
        ("规上工业总产值", "above_scale_industrial_output"),
        ("规上工业总产值增速", "above_scale_industrial_output_growth"),
        ("ｒ＆ｄ投入强度", "rd_intensity"),
        ("新增国家专精特新“小巨人”企业", "new_little_giant_enterprises"),
        ("专精特新“小巨人”企业", "little_giant_enterprises"),
    ],
)
def test_indicator_names_and_aliases(catalog: Catalog, name, code):
    assert catalog.indicator_names.resolve(name) == code


def test_strontium_salt_ocr_slip_is_kept_as_alias(catalog: Catalog):
    assert catalog.clusters.resolve("锶盐") == catalog.clusters.resolve("镗盐") == "strontium_salt"


@pytest.mark.parametrize(
    "name, code",
    [
        ("大足区经济和信息化委员会", "econ_info_commission"),
        ("区经济信息委", "econ_info_commission"),
        ("经信委", "econ_info_commission"),
        ("大足区科学技术局", "science_tech_bureau"),
        ("双桥经开区经发局", "shuangqiao_edz"),
        ("大足工业园区管委会", "industrial_park"),
        ("重庆大足高新技术产业开发区管理委员会", "hightech_zone"),
    ],
)
def test_departments(catalog: Catalog, name, code):
    assert catalog.departments.resolve(name) == code


@pytest.mark.parametrize(
    "name, code",
    [
        ("全区", "dazu_district"),
        ("大足区", "dazu_district"),
        ("全市", "chongqing_city"),
        ("重庆市", "chongqing_city"),
        ("双桥经开区", "shuangqiao_edz"),
    ],
)
def test_areas(catalog: Catalog, name, code):
    assert catalog.areas.resolve(name) == code


def test_unknown_name_suggests_the_closest(catalog: Catalog):
    assert catalog.indicator_names.resolve("技术合同金额") is None
    assert "技术合同成交额" in catalog.indicator_names.closest("技术合同金额")


def test_a_name_shared_by_two_indicators_is_refused():
    def rows(path):
        with open(REFERENCE_DIR / path, encoding="utf-8") as f:
            return list(csv.DictReader(f))

    tables = {n: rows(n) for n in ("areas.csv", "clusters.csv", "departments.csv", "indicators.csv", "units.csv")}
    tables["indicators.csv"][1]["aliases"] += "|" + tables["indicators.csv"][0]["name_zh"]
    with pytest.raises(ValueError, match="used by both"):
        Catalog(tables)


def test_catalog_is_complete_and_consistent(catalog: Catalog):
    assert len([c for c in catalog.clusters.display_names if c != "other"]) == 12
    for indicator in catalog.indicators.values():
        assert catalog.display_unit(indicator).base_unit == indicator.base_unit
        assert indicator.direction in ("up", "down") and indicator.measure_type in ("flow", "level")
        assert indicator.plausible_min < indicator.plausible_max


def test_normalisation():
    assert normalize_name("“上云”企业 数量") == normalize_name("上云企业")
    assert normalize_name("ＡＢＣ增速") == "abc增长"
