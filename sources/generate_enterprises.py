"""Synthetic monthly data of above-scale industrial enterprises (规上工业企业月报), deterministic.

Writes one file per month in the enterprise feed format of docs/enterprise_feed.md, named
`规上工业企业月报_2024-06.csv` (UTF-8 with BOM and CRLF, as Excel saves "CSV UTF-8") or `.parquet`.
Everything is sample data (示例数据), not statistics of real enterprises.

    .venv/bin/python sources/generate_enterprises.py --scale district|city|national --out DIR
        [--months 2023-01:2024-12] [--format csv|parquet] [--bad-rows N] [--seed N]

Scales are layered, each layer with its own random streams, so a larger scale contains the smaller one
unchanged (the Dazu firms of `city` and `national` are exactly those of `district`):

| scale    | layers                                   | enterprises (ever) | rows for 24 months |
|----------|------------------------------------------|--------------------|--------------------|
| district | Dazu (division code 500111)              | 400                | ≈ 9,500            |
| city     | + the rest of Chongqing (50xxxx)         | 7,500              | ≈ 176,000          |
| national | + the rest of China (other provinces)    | 500,000            | ≈ 11.7 M           |

The model, per enterprise i and month t (t = 0 for 2023-01):
- size: annual output from a Pareto law with the 规上 threshold (2,000万元) as minimum, so a few large
  firms dominate; growth per year around the cluster's rate; monthly noise.
- seasonality: a Spring Festival dip (production slows from 10 days before to 20 days after the
  festival: January and February 2023, February 2024), a year-end high in December.
- 工业总产值累计 is the cumulative sum of the rounded monthly values within the year, exactly (in 0.01万元).
- revenue ≈ output × a firm ratio; profit = revenue × a firm margin plus noise (negative in about an
  eighth of the rows); tax ≈ 1-6% of revenue, paid more in the first month of a quarter; R&D 1-5% of
  revenue; energy = output × a cluster intensity × a firm factor; employees follow the firm's size;
  land (亩) is fixed per firm.
- about 4% of firms enter during the two years (mostly in January 2024, when new 规上 firms are added)
  and about 2% leave during 2024; about 1% change park or cluster once, from January 2024 on. Changes
  and exits never fall in 2023, so December 2023's YTD totals by cluster and park equal the sums of
  the 2023 monthly rows.
- district calibration: the Dazu firms' 2023 output (sum of 工业总产值当月) equals, by cluster, the
  集群产值 sheet of 经信委 (sources/build_sample_inbox.py: 98.6 ... 45.8, total 411.9亿元), and by park,
  双桥经开区 227.8亿元 (the published figure; 55.3% of the district) with the rest split 101.6 / 82.5亿元
  between 大足工业园区 and 大足高新区 (sample figures), to well within 0.1%.

Each month is computed vectorised for all firms from its own seeded stream, so a month's values do not
depend on the range asked for (YTD is computed from January even when the range starts later), and the
national scale runs in bounded memory, one month at a time.

`--bad-rows N` spoils N rows of the last month's file for rejection tests: alternately a wrong check
character of the credit code and a negative 工业总产值当月 (each spoilt row has exactly one problem).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from dagster_project.parsing.uscc import CHARSET, check_character  # noqa: E402

REFERENCE_DIR = HERE / "reference"
DEFAULT_SEED = 246
DEFAULT_MONTHS = "2023-01:2024-12"
BASE_YEAR = 2023  # t = 0 is January of this year
FILE_STEM = "规上工业企业月报"

COLUMNS = [
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
AMOUNT_KEYS = ["output", "ytd", "revenue", "profit", "tax", "energy", "rd"]  # in 0.01 units

# ---------------------------------------------------------------------------------------------
# Clusters (order of clusters.csv) and their parameters
# ---------------------------------------------------------------------------------------------
# code: (district firms, 2023 output 亿元 (集群产值 sheet), growth per year, energy tce per 万元 output,
#        profit margin, R&D intensity centre)
CLUSTER_PARAMS = {
    "ev_motorcycle": (70, 98.6, 0.096, 0.025, 0.045, 0.030),
    "recycling_new_materials": (45, 72.4, 0.051, 0.200, 0.035, 0.015),
    "modern_hardware": (75, 48.3, 0.068, 0.045, 0.060, 0.020),
    "smart_elevators": (30, 26.5, 0.042, 0.015, 0.070, 0.030),
    "strontium_salt": (10, 18.7, 0.030, 0.450, 0.090, 0.020),
    "optoelectronics": (20, 35.2, 0.153, 0.030, 0.050, 0.040),
    "ic_sensors": (15, 12.1, 0.215, 0.035, 0.080, 0.045),
    "pharma_intermediates_tcm": (12, 9.8, 0.060, 0.090, 0.100, 0.035),
    "new_energy_storage": (12, 14.6, 0.182, 0.040, 0.060, 0.035),
    "drones_aviation_ground": (5, 3.2, 0.100, 0.012, 0.080, 0.045),
    "robotics": (8, 5.4, 0.100, 0.012, 0.070, 0.045),
    "food_beverages": (33, 21.3, 0.035, 0.060, 0.090, 0.012),
    "other": (65, 45.8, 0.040, 0.080, 0.050, 0.015),
}
CLUSTER_WORDS = {
    "ev_motorcycle": ["汽车零部件", "摩托车", "新能源汽车", "车辆配件", "机车部件", "汽车电器", "动力科技"],
    "recycling_new_materials": ["再生资源", "新材料", "金属材料", "环保科技", "铝业", "再生金属", "材料科技"],
    "modern_hardware": ["五金制品", "刀具", "五金工具", "锁业", "金属制品", "厨具", "工具"],
    "smart_elevators": ["电梯", "电梯部件", "扶梯", "机电设备", "电梯科技"],
    "strontium_salt": ["锶盐", "化工", "锶业", "矿业化工"],
    "optoelectronics": ["光电", "光电科技", "光学", "显示科技"],
    "ic_sensors": ["电子", "传感器", "半导体", "微电子", "电子科技"],
    "pharma_intermediates_tcm": ["药业", "制药", "医药化工", "中药饮片", "生物医药"],
    "new_energy_storage": ["新能源", "储能科技", "电池", "能源科技"],
    "drones_aviation_ground": ["无人机", "航空科技", "航空设备"],
    "robotics": ["机器人", "智能装备", "自动化"],
    "food_beverages": ["食品", "酒业", "饮品", "调味品", "农产品加工"],
    "other": ["建材", "纺织", "印刷", "木业", "塑胶", "包装", "机械", "陶瓷", "服饰", "家具"],
}
ZIHAO = (
    "鑫华宏泰盛隆达恒源通博瑞金锐祥丰昌顺德力美嘉佳天宇辉新兴凯腾远航科明世豪正建永安利和信诚"
    "众联创益康宝福长春海川江山岳峰林森川晟昊卓越精工立图强志成汇聚合中胜浩铭启航鼎铖杰骏润泽"
)
SUFFIXES = (["有限公司"] * 17) + ["股份有限公司", "股份有限公司", "有限责任公司"]

# Dazu's parks (catalog names) with the clusters' preference, and the 2023 park output (亿元).
DAZU_PARKS = ["双桥经开区", "大足工业园区", "大足高新区"]
DAZU_PARK_OUTPUT_2023 = [227.8, 101.6, 82.5]  # 227.8 published (55.3% of 411.9); the split of the rest is sample
DAZU_PARK_PREFERENCE = {  # 双桥, 工业园区(龙水), 高新区(万古)
    "ev_motorcycle": (0.55, 0.15, 0.30),
    "recycling_new_materials": (0.80, 0.15, 0.05),
    "modern_hardware": (0.15, 0.75, 0.10),
    "smart_elevators": (0.05, 0.10, 0.85),
    "strontium_salt": (0.30, 0.10, 0.60),
    "optoelectronics": (0.75, 0.10, 0.15),
    "ic_sensors": (0.60, 0.15, 0.25),
    "pharma_intermediates_tcm": (0.30, 0.50, 0.20),
    "new_energy_storage": (0.65, 0.10, 0.25),
    "drones_aviation_ground": (0.20, 0.20, 0.60),
    "robotics": (0.30, 0.20, 0.50),
    "food_beverages": (0.25, 0.55, 0.20),
    "other": (0.40, 0.40, 0.20),
}
DAZU_NAME_PREFIXES = ["重庆", "重庆", "重庆", "重庆市大足区", "重庆大足", "大足"]

# The rest of Chongqing: division code, name, weight (number of firms).
CHONGQING = [
    ("500101", "万州区", 3),
    ("500102", "涪陵区", 4),
    ("500103", "渝中区", 0.5),
    ("500104", "大渡口区", 1.5),
    ("500105", "江北区", 2),
    ("500106", "沙坪坝区", 4),
    ("500107", "九龙坡区", 5),
    ("500108", "南岸区", 3),
    ("500109", "北碚区", 4),
    ("500110", "綦江区", 3),
    ("500112", "渝北区", 7),
    ("500113", "巴南区", 4),
    ("500114", "黔江区", 1),
    ("500115", "长寿区", 4),
    ("500116", "江津区", 6),
    ("500117", "合川区", 4),
    ("500118", "永川区", 5),
    ("500119", "南川区", 1.5),
    ("500120", "璧山区", 5),
    ("500151", "铜梁区", 4),
    ("500152", "潼南区", 3),
    ("500153", "荣昌区", 4),
    ("500154", "开州区", 2),
    ("500155", "梁平区", 2),
    ("500156", "武隆区", 0.7),
    ("500229", "城口县", 0.3),
    ("500230", "丰都县", 1),
    ("500231", "垫江县", 1.5),
    ("500233", "忠县", 1),
    ("500235", "云阳县", 1),
    ("500236", "奉节县", 0.8),
    ("500237", "巫山县", 0.5),
    ("500238", "巫溪县", 0.3),
    ("500240", "石柱土家族自治县", 0.6),
    ("500241", "秀山土家族苗族自治县", 0.8),
    ("500242", "酉阳土家族苗族自治县", 0.5),
    ("500243", "彭水苗族土家族自治县", 0.5),
]
# The rest of China: the first four digits of the division code, the city, weight.
CHINA = [
    ("1101", "北京", 4),
    ("1201", "天津", 4),
    ("1301", "石家庄", 3),
    ("1302", "唐山", 3),
    ("1306", "保定", 3),
    ("1401", "太原", 2),
    ("1501", "呼和浩特", 1),
    ("1502", "包头", 1),
    ("2101", "沈阳", 3),
    ("2102", "大连", 3),
    ("2201", "长春", 2),
    ("2301", "哈尔滨", 2),
    ("3101", "上海", 8),
    ("3201", "南京", 4),
    ("3202", "无锡", 6),
    ("3204", "常州", 5),
    ("3205", "苏州", 10),
    ("3206", "南通", 5),
    ("3210", "扬州", 3),
    ("3301", "杭州", 6),
    ("3302", "宁波", 7),
    ("3303", "温州", 6),
    ("3304", "嘉兴", 4),
    ("3306", "绍兴", 4),
    ("3307", "金华", 4),
    ("3310", "台州", 4),
    ("3401", "合肥", 4),
    ("3402", "芜湖", 2),
    ("3501", "福州", 3),
    ("3502", "厦门", 3),
    ("3505", "泉州", 5),
    ("3601", "南昌", 3),
    ("3701", "济南", 4),
    ("3702", "青岛", 5),
    ("3706", "烟台", 3),
    ("3707", "潍坊", 4),
    ("3713", "临沂", 3),
    ("4101", "郑州", 4),
    ("4103", "洛阳", 2),
    ("4201", "武汉", 5),
    ("4205", "宜昌", 2),
    ("4206", "襄阳", 2),
    ("4301", "长沙", 4),
    ("4302", "株洲", 2),
    ("4401", "广州", 6),
    ("4403", "深圳", 9),
    ("4404", "珠海", 2),
    ("4406", "佛山", 8),
    ("4413", "惠州", 3),
    ("4419", "东莞", 9),
    ("4420", "中山", 4),
    ("4501", "南宁", 2),
    ("4502", "柳州", 2),
    ("4601", "海口", 0.5),
    ("5101", "成都", 6),
    ("5106", "德阳", 2),
    ("5107", "绵阳", 2),
    ("5113", "南充", 1.5),
    ("5201", "贵阳", 2),
    ("5301", "昆明", 2),
    ("5401", "拉萨", 0.2),
    ("6101", "西安", 4),
    ("6201", "兰州", 1),
    ("6301", "西宁", 0.5),
    ("6401", "银川", 0.7),
    ("6501", "乌鲁木齐", 1),
]
PARK_TEMPLATES = [
    "{}经济技术开发区",
    "{}高新技术产业开发区",
    "{}工业园区",
    "{}新材料产业园",
    "{}智能制造产业园",
    "{}临港产业园",
    "{}综合保税区",
    "{}经开区",
    "{}高新区",
]

# Spring Festival (春节) dates, for the production dip around it.
SPRING_FESTIVAL = {
    2019: (2, 5),
    2020: (1, 25),
    2021: (2, 12),
    2022: (2, 1),
    2023: (1, 22),
    2024: (2, 10),
    2025: (1, 29),
    2026: (2, 17),
    2027: (2, 6),
    2028: (1, 26),
    2029: (2, 13),
    2030: (2, 3),
}
# Shape of a year without the festival (June and November pushes, October holiday, year-end high).
BASE_SEASON = np.array([1.00, 1.00, 1.00, 0.97, 1.00, 1.06, 0.95, 0.96, 1.04, 0.96, 1.05, 1.25])
FOOD_SEASON = np.array([1.10, 1.00, 0.95, 0.92, 0.95, 0.97, 0.92, 0.98, 1.15, 1.03, 1.00, 1.15])
TAX_QUARTER = np.array([1.35, 0.88, 0.88] * 4) / ((4 * 1.35 + 8 * 0.88) / 12)


@dataclass
class Layer:
    key: str
    layer_id: int
    n_firms: int


LAYERS = {
    "district": Layer("district", 1, 400),
    "chongqing": Layer("chongqing", 2, 7_100),
    "china": Layer("china", 3, 492_500),
}
SCALES = {"district": ["district"], "city": ["district", "chongqing"], "national": ["district", "chongqing", "china"]}


# ---------------------------------------------------------------------------------------------
# Months
# ---------------------------------------------------------------------------------------------
def parse_months(text: str) -> list[tuple[int, int]]:
    """'2023-01:2024-12' or '2024-06' -> [(2023, 1), ...]."""
    parts = text.split(":")
    if len(parts) not in (1, 2) or not all(re.fullmatch(r"\d{4}-\d{2}", p.strip()) for p in parts):
        raise ValueError(f"months must look like 2023-01:2024-12 or 2024-06, not {text!r}")
    (y0, m0), (y1, m1) = [tuple(int(x) for x in p.strip().split("-")) for p in (parts[0], parts[-1])]
    if not (1 <= m0 <= 12 and 1 <= m1 <= 12) or (y1, m1) < (y0, m0):
        raise ValueError(f"not a range of months: {text!r}")
    months = []
    y, m = y0, m0
    while (y, m) <= (y1, m1):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def month_index(year: int, month: int) -> int:
    return (year - BASE_YEAR) * 12 + month - 1


def season_factors(year: int) -> np.ndarray:
    """(2, 12): the general shape and the food shape of a year, each with mean 1."""
    sf_month, sf_day = SPRING_FESTIVAL.get(year, (2, 1))
    sf = np.datetime64(f"{year}-{sf_month:02d}-{sf_day:02d}")
    window = np.arange(sf - np.timedelta64(10, "D"), sf + np.timedelta64(20, "D"))  # production slows down
    month_of = window.astype("datetime64[M]")
    days = np.array([31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    lost = np.zeros(12)
    for k in range(12):
        lost[k] = (month_of == np.datetime64(f"{year}-{k + 1:02d}", "M")).sum() / days[k]
    out = []
    for base, depth in ((BASE_SEASON, 0.40), (FOOD_SEASON, 0.25)):
        shape = base * (1 - depth * lost)
        out.append(shape / shape.mean())
    return np.array(out)


# ---------------------------------------------------------------------------------------------
# Firms
# ---------------------------------------------------------------------------------------------
@dataclass
class Firms:
    """The static attributes of a layer's firms (arrays of length n)."""

    code: np.ndarray  # object: credit codes
    name: np.ndarray  # object
    park_names: np.ndarray  # object: the layer's park names
    park0: np.ndarray  # int index into park_names
    park1: np.ndarray
    cluster0: np.ndarray  # int index into the cluster list
    cluster1: np.ndarray
    move_t: np.ndarray  # month index of the park/cluster change (large when none)
    first_t: np.ndarray
    last_t: np.ndarray
    base: np.ndarray  # monthly output level at t = 0 before seasonality (万元)
    growth: np.ndarray
    sigma: np.ndarray
    rev_ratio: np.ndarray
    margin: np.ndarray
    tax_rate: np.ndarray
    rd_rate: np.ndarray
    energy: np.ndarray  # tce per 万元 output
    employees: np.ndarray  # at t = 0
    land_mu: np.ndarray
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.code)


NEVER = 10**6


def load_clusters() -> tuple[list[str], list[str]]:
    with open(REFERENCE_DIR / "clusters.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = [r["cluster_code"] for r in rows]
    if set(codes) != set(CLUSTER_PARAMS):
        raise SystemExit(f"clusters.csv has {sorted(codes)}, the generator knows {sorted(CLUSTER_PARAMS)}")
    return codes, [r["name_zh"] for r in rows]


def catalog_area_names() -> set[str]:
    with open(REFERENCE_DIR / "areas.csv", encoding="utf-8") as handle:
        names = set()
        for row in csv.DictReader(handle):
            names.add(row["name_zh"])
            names.update(a for a in row["aliases"].split("|") if a)
    return names


def org_codes(rng: np.random.Generator, n: int, taken: set[str]) -> np.ndarray:
    """n distinct 9-character organisation codes (GB 11714: 8 characters and a check character).

    About 60% are of the post-2015 form MA + 6 characters, the rest eight digits."""
    letters = np.frombuffer(CHARSET.encode(), dtype=np.uint8)  # the USCC alphabet keeps codes valid
    digits = letters[:10]
    out: list[str] = []
    seen = set(taken)
    need = n
    while need:
        k = int(need * 1.05) + 16
        body = digits[rng.integers(0, 10, size=(k, 8))]
        new_form = rng.random(k) < 0.6
        tail = letters[rng.integers(0, len(letters), size=(k, 6))]
        body[new_form, 0] = ord("M")
        body[new_form, 1] = ord("A")
        body[new_form, 2:] = tail[new_form]
        values = np.where(body >= ord("A"), body - ord("A") + 10, body - ord("0")).astype(np.int64)
        check = 11 - (values @ np.array([3, 7, 9, 10, 5, 8, 4, 2])) % 11
        check_char = np.where(check == 10, ord("X"), np.where(check == 11, ord("0"), ord("0") + check))
        full = np.concatenate([body, check_char[:, None].astype(np.uint8)], axis=1)
        for code in full.view("S9").ravel().astype(str):
            if code not in seen:
                seen.add(code)
                out.append(code)
                need -= 1
                if not need:
                    break
    return np.array(out, dtype=object)


def credit_codes(divisions: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """'91' (enterprise, company) + division + organisation code + GB 32100-2015 check character."""
    return np.array(
        [first + check_character(first) for first in ("91" + divisions.astype(object) + orgs)], dtype=object
    )


def pick(rng: np.random.Generator, weights, n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def pareto_sizes(rng: np.random.Generator, n: int, alpha: float, cap: float) -> np.ndarray:
    """Annual output (万元) above the 规上 threshold of 2,000万元, heavy-tailed."""
    return np.minimum(2000.0 * (1.0 - rng.random(n)) ** (-1.0 / alpha), cap)


def firm_names(
    rng, n, prefixes: np.ndarray, cluster: np.ndarray, cluster_codes: list[str], taken: set[str]
) -> np.ndarray:
    zihao = np.array(list(ZIHAO), dtype=object)
    suffix = np.array(SUFFIXES, dtype=object)
    words = {c: np.array(CLUSTER_WORDS[c], dtype=object) for c in cluster_codes}
    names = np.empty(n, dtype=object)
    todo = np.arange(n)
    length = 2
    seen = set(taken)
    while len(todo):
        k = len(todo)
        zh = zihao[rng.integers(0, len(zihao), k)]
        for _ in range(length - 1):
            zh = zh + zihao[rng.integers(0, len(zihao), k)]
        word = np.empty(k, dtype=object)
        for ci, c in enumerate(cluster_codes):
            sel = cluster[todo] == ci
            word[sel] = words[c][rng.integers(0, len(words[c]), int(sel.sum()))]
        cand = prefixes[todo] + zh + word + suffix[rng.integers(0, len(suffix), k)]
        retry = []
        for j, name in zip(todo, cand):
            if name in seen:
                retry.append(j)
            else:
                seen.add(name)
                names[j] = name
        todo = np.array(retry, dtype=np.int64)
        length = min(length + 1, 4)
    return names


def make_layer(
    layer: Layer, seed: int, cluster_codes: list[str], taken_codes: set[str], taken_names: set[str]
) -> Firms:
    rng = np.random.default_rng([seed, layer.layer_id, 0])
    n = layer.n_firms
    n_clusters = len(cluster_codes)
    other = cluster_codes.index("other")
    district_share = np.array([CLUSTER_PARAMS[c][1] for c in cluster_codes])

    # Clusters, parks, divisions, names, sizes
    if layer.key == "district":
        cluster = np.repeat(np.arange(n_clusters), [CLUSTER_PARAMS[c][0] for c in cluster_codes])
        cluster = cluster[rng.permutation(n)]
        park_names = np.array(DAZU_PARKS, dtype=object)
        park = np.array([pick(rng, DAZU_PARK_PREFERENCE[cluster_codes[c]], 1)[0] for c in cluster])
        divisions = np.full(n, "500111", dtype=object)
        prefixes = np.array(DAZU_NAME_PREFIXES, dtype=object)[rng.integers(0, len(DAZU_NAME_PREFIXES), n)]
        annual = pareto_sizes(rng, n, alpha=1.25, cap=600_000.0)
        park_of_region = None
    else:
        if layer.key == "chongqing":
            regions = [(code, name, w) for code, name, w in CHONGQING]
            region = pick(rng, [w for *_, w in regions], n)
            region_div = np.array([code for code, *_ in regions], dtype=object)
            divisions = region_div[region]
            short = [
                re.sub(r"(土家族苗族自治县|苗族土家族自治县|土家族自治县|区|县)$", "", name) for _, name, _ in regions
            ]
            short = [s if len(s) > 1 else name for s, (_, name, _) in zip(short, regions)]
            prefixes = np.where(rng.random(n) < 0.5, "重庆", "重庆" + np.array(short, dtype=object)[region])
            prefixes = prefixes.astype(object)
            share = district_share / district_share.sum() * 0.55
            share[other] += 0.45
            annual = pareto_sizes(rng, n, alpha=1.10, cap=12_000_000.0)
        else:
            regions = [(code4, name, w) for code4, name, w in CHINA]
            region = pick(rng, [w for *_, w in regions], n)
            county = rng.integers(2, 13, n)
            region_code = np.array([code4 for code4, *_ in regions], dtype=object)
            divisions = region_code[region] + np.char.zfill(county.astype(str), 2).astype(object)
            short = [name for _, name, _ in regions]
            prefixes = np.array(short, dtype=object)[region]
            share = district_share / district_share.sum() * 0.45
            share[other] += 0.55
            annual = pareto_sizes(rng, n, alpha=1.08, cap=200_000_000.0)
        cluster = pick(rng, share, n)
        # 2 to 5 invented parks per region
        forbidden = catalog_area_names()
        park_list: list[str] = []
        park_of_region = []
        for s in short:
            templates = rng.permutation(len(PARK_TEMPLATES))[: int(rng.integers(2, 6))]
            names = [PARK_TEMPLATES[t].format(s) for t in sorted(templates)]
            assert not forbidden.intersection(names), names
            park_of_region.append(np.arange(len(park_list), len(park_list) + len(names)))
            park_list.extend(names)
        park_names = np.array(park_list, dtype=object)
        park = np.array(
            [park_of_region[r][i % len(park_of_region[r])] for r, i in zip(region, rng.integers(0, 1000, n))]
        )

    orgs = org_codes(rng, n, set())
    codes = credit_codes(divisions, orgs)
    assert not taken_codes.intersection(codes.tolist())
    names = firm_names(rng, n, prefixes, cluster, cluster_codes, taken_names)

    # Entries (about 4%: 60% in January 2024, the rest in other months) and exits (about 2%, in 2024)
    first_t = np.full(n, -NEVER)
    last_t = np.full(n, NEVER)
    entrants = rng.random(n) < 0.04
    first_t[entrants] = np.where(
        rng.random(entrants.sum()) < 0.6, 12, rng.choice([t for t in range(1, 23) if t != 12], entrants.sum())
    )
    annual[entrants] = pareto_sizes(rng, int(entrants.sum()), alpha=2.0, cap=200_000.0)
    small = ~entrants & (annual < np.quantile(annual, 0.5))
    exits = small & (rng.random(n) < 0.04)
    last_t[exits] = rng.integers(12, 23, exits.sum())

    # Movers (about 1%, at least 4): park or cluster changes once, from 2024-01 on (half in January)
    park1, cluster1 = park.copy(), cluster.copy()
    move_t = np.full(n, NEVER)
    candidates = np.flatnonzero(~entrants & ~exits)
    movers = rng.choice(candidates, max(4, round(n * 0.01)), replace=False)
    for j, i in enumerate(np.sort(movers)):
        move_t[i] = 12 if rng.random() < 0.5 else int(rng.integers(13, 22))
        parks_here = np.arange(len(park_names)) if park_of_region is None else park_of_region[region[i]]
        choices = [int(k) for k in parks_here if k != park[i]]
        if j % 2 == 0 and choices:  # a move to another park of the same district or city
            park1[i] = choices[int(rng.integers(0, len(choices)))]
        else:  # reclassified to another cluster
            choices = [c for c in range(n_clusters) if c != cluster[i]]
            cluster1[i] = choices[int(rng.integers(0, len(choices)))]

    growth = np.array([CLUSTER_PARAMS[c][2] for c in cluster_codes])[cluster] + rng.normal(0, 0.10, n)
    growth = np.clip(growth, -0.35, 0.80)
    margin = np.array([CLUSTER_PARAMS[c][4] for c in cluster_codes])[cluster] + rng.normal(0, 0.035, n)
    rd_centre = np.array([CLUSTER_PARAMS[c][5] for c in cluster_codes])[cluster]
    rd_rate = np.clip(rd_centre * np.exp(rng.normal(0, 0.35, n)), 0.01, 0.05)
    energy = np.array([CLUSTER_PARAMS[c][3] for c in cluster_codes])[cluster] * np.exp(rng.normal(0, 0.35, n))
    firms = Firms(
        code=codes,
        name=names,
        park_names=park_names,
        park0=park,
        park1=park1,
        cluster0=cluster,
        cluster1=cluster1,
        move_t=move_t,
        first_t=first_t,
        last_t=last_t,
        base=annual / 12.0,
        growth=growth,
        sigma=0.04 + 0.10 * rng.random(n),
        rev_ratio=np.clip(rng.normal(0.95, 0.05, n), 0.75, 1.10),
        margin=margin,
        tax_rate=np.clip(0.032 * np.exp(rng.normal(0, 0.35, n)), 0.008, 0.08),
        rd_rate=rd_rate,
        energy=energy,
        employees=np.zeros(n),
        land_mu=np.zeros(n),
        extra={
            "productivity": 80.0 * np.exp(rng.normal(0, 0.4, n)),  # 万元 output per employee and year
            "output_per_mu": 300.0 * np.exp(rng.normal(0, 0.45, n)),
        },  # 万元 output per 亩 and year
    )
    order = np.argsort(codes.astype(str), kind="stable")  # files list firms by credit code
    for name in (
        "code",
        "name",
        "park0",
        "park1",
        "cluster0",
        "cluster1",
        "move_t",
        "first_t",
        "last_t",
        "base",
        "growth",
        "sigma",
        "rev_ratio",
        "margin",
        "tax_rate",
        "rd_rate",
        "energy",
    ):
        setattr(firms, name, getattr(firms, name)[order])
    firms.extra = {key: value[order] for key, value in firms.extra.items()}
    if layer.key == "district":
        calibrate_district(firms, seed, layer, cluster_codes)
    annual_final = firms.base * 12
    firms.employees = np.maximum(12, annual_final / firms.extra["productivity"])
    firms.land_mu = np.maximum(3.0, np.round(annual_final / firms.extra["output_per_mu"], 2))
    return firms


# ---------------------------------------------------------------------------------------------
# One month
# ---------------------------------------------------------------------------------------------
def month_values(
    firms: Firms, seed: int, layer: Layer, year: int, month: int, seasons: np.ndarray, food: int
) -> dict[str, np.ndarray]:
    """All firms' values for one month (inactive firms included; callers filter by 'active').

    Amounts are in 0.01万元 (integers); energy in 0.01 tce."""
    n = len(firms)
    t = month_index(year, month)
    rng = np.random.default_rng([seed, layer.layer_id, 1, year, month])
    z = rng.standard_normal((7, n))
    moved = t >= firms.move_t
    cluster = np.where(moved, firms.cluster1, firms.cluster0)
    park = np.where(moved, firms.park1, firms.park0)
    season = np.where(firms.cluster0 == food, seasons[1, month - 1], seasons[0, month - 1])
    level = firms.base * (1.0 + firms.growth) ** (t / 12.0)
    output = level * season * np.exp(firms.sigma * z[0] - firms.sigma**2 / 2)
    revenue = output * firms.rev_ratio * np.exp(0.03 * z[1])
    profit = revenue * (firms.margin + 0.025 * z[2] - (0.03 if month == 2 else 0.0))
    tax = revenue * firms.tax_rate * TAX_QUARTER[month - 1] * np.exp(0.25 * z[3] - 0.03125)
    rd = revenue * firms.rd_rate * (1.3 if month == 12 else 0.97) * np.exp(0.2 * z[4] - 0.02)
    energy = output * firms.energy * np.exp(0.05 * z[5])
    employees = firms.employees * (1.0 + firms.growth) ** (t / 24.0) * (0.98 if month == 2 else 1.0) * (1 + 0.01 * z[6])
    cents = lambda x: np.rint(x * 100).astype(np.int64)
    return {
        "active": (t >= firms.first_t) & (t <= firms.last_t),
        "cluster": cluster,
        "park": park,
        "output": cents(output),
        "revenue": cents(revenue),
        "profit": cents(profit),
        "tax": cents(tax),
        "energy": cents(energy),
        "rd": cents(rd),
        "employees": np.maximum(1, np.rint(employees)).astype(np.int64),
    }


def calibrate_district(firms: Firms, seed: int, layer: Layer, cluster_codes: list[str]) -> None:
    """Scales the firms' sizes so that the 2023 output matches the cluster and park targets (raking)."""
    seasons = season_factors(BASE_YEAR)
    food = cluster_codes.index("food_beverages")
    rows = [month_values(firms, seed, layer, BASE_YEAR, m, seasons, food) for m in range(1, 13)]
    unscaled = np.array([np.where(r["active"], r["output"] / 100.0, 0.0) for r in rows])  # (12, n)
    cl = np.array([r["cluster"] for r in rows])
    pk = np.array([r["park"] for r in rows])
    cluster_target = np.array([CLUSTER_PARAMS[c][1] for c in cluster_codes]) * 10_000  # 亿元 -> 万元
    park_target = np.array(DAZU_PARK_OUTPUT_2023) * 10_000
    if abs(cluster_target.sum() - park_target.sum()) > 1e-6:
        raise SystemExit("the cluster and park targets do not add up to the same total")
    factor = np.ones(len(firms))
    weights = unscaled / np.maximum(unscaled.sum(axis=0), 1e-12)
    for _ in range(200):
        for groups, target in ((cl, cluster_target), (pk, park_target)):
            scaled = unscaled * factor
            sums = np.bincount(groups.ravel(), weights=scaled.ravel(), minlength=len(target))
            f = np.where(sums > 0, target / np.maximum(sums, 1e-12), 1.0)
            factor *= (weights * f[groups]).sum(axis=0)
    scaled = unscaled * factor
    for groups, target in ((cl, cluster_target), (pk, park_target)):
        sums = np.bincount(groups.ravel(), weights=scaled.ravel(), minlength=len(target))
        worst = np.max(np.abs(sums / target - 1))
        if worst > 1e-4:
            raise SystemExit(f"district calibration did not converge (worst {worst:.2%})")
    firms.base = firms.base * factor


# ---------------------------------------------------------------------------------------------
# Scales and files
# ---------------------------------------------------------------------------------------------
def build_firms(scale: str, seed: int) -> list[tuple[Layer, Firms]]:
    cluster_codes, _ = load_clusters()
    out = []
    taken_codes: set[str] = set()
    taken_names: set[str] = set()
    for key in SCALES[scale]:
        layer = LAYERS[key]
        firms = make_layer(layer, seed, cluster_codes, taken_codes, taken_names)
        if key != SCALES[scale][-1]:
            taken_codes.update(firms.code.tolist())
            taken_names.update(firms.name.tolist())
        out.append((layer, firms))
    return out


def month_frame(
    layers, seed: int, year: int, month: int, ytd: list[np.ndarray], cluster_names: np.ndarray, food: int
) -> pd.DataFrame:
    """The rows of one month for all layers; updates the running YTD (0.01万元) per layer."""
    seasons = season_factors(year)
    parts = []
    for k, (layer, firms) in enumerate(layers):
        v = month_values(firms, seed, layer, year, month, seasons, food)
        active = v["active"]
        if month == 1:
            ytd[k][:] = 0
        ytd[k] += np.where(active, v["output"], 0)
        parts.append(
            pd.DataFrame(
                {
                    "统一社会信用代码": firms.code[active],
                    "企业名称": firms.name[active],
                    "所属园区": firms.park_names[v["park"][active]],
                    "产业集群": cluster_names[v["cluster"][active]],
                    "报告期": f"{year:04d}-{month:02d}",
                    "output": v["output"][active],
                    "ytd": ytd[k][active].copy(),
                    "revenue": v["revenue"][active],
                    "profit": v["profit"][active],
                    "tax": v["tax"][active],
                    "energy": v["energy"][active],
                    "rd": v["rd"][active],
                    "从业人员(人)": v["employees"][active],
                    "land": np.rint(firms.land_mu[active] * 100).astype(np.int64),
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def spoil(frame: pd.DataFrame, n_bad: int, seed: int) -> None:
    """Alternately a wrong check character and a negative output, in n_bad distinct rows."""
    if n_bad > len(frame):
        raise SystemExit(f"--bad-rows {n_bad} is more than the {len(frame)} rows of the last month")
    rng = np.random.default_rng([seed, 99])
    rows = np.sort(rng.choice(len(frame), n_bad, replace=False))
    codes = frame["统一社会信用代码"].to_numpy(copy=True)
    output = frame["output"].to_numpy(copy=True)
    for j, i in enumerate(rows):
        if j % 2 == 0:
            code = codes[i]
            wrong = CHARSET[(CHARSET.index(code[17]) + 1 + int(rng.integers(0, 30))) % 31]
            codes[i] = code[:17] + wrong
        else:
            output[i] = -max(output[i], 1)
    frame["统一社会信用代码"] = codes
    frame["output"] = output


def to_output_columns(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["统一社会信用代码", "企业名称", "所属园区", "产业集群", "报告期"]].copy()
    for column, key in zip(COLUMNS[5:12], AMOUNT_KEYS):
        out[column] = frame[key] / 100.0
    out["从业人员(人)"] = frame["从业人员(人)"]
    out["用地面积(亩)"] = frame["land"] / 100.0
    return out


def _select_typed(frame_name: str, bom: bool) -> str:
    casts = []
    for i, c in enumerate(COLUMNS):
        kind = "varchar" if i < 5 else "integer" if c == "从业人员(人)" else "decimal(18, 2)"
        alias = ("\ufeff" + c) if bom and i == 0 else c  # the BOM starts the header: a CSV as Excel saves it
        casts.append(f'cast("{c}" as {kind}) as "{alias}"')
    return f"select {', '.join(casts)} from {frame_name}"


def write_file(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, path: Path, fmt: str) -> None:
    """CSV: UTF-8 with BOM and CRLF, as Excel saves "CSV UTF-8"; Parquet: decimal(18, 2) amounts."""
    con.register("month_frame", frame)
    target = str(path).replace("'", "''")
    options = "format csv, header, new_line '\r\n'" if fmt == "csv" else "format parquet, compression zstd"
    con.execute(f"copy ({_select_typed('month_frame', fmt == 'csv')}) to '{target}' ({options})")
    con.unregister("month_frame")


def generate(
    scale: str,
    out: Path,
    months: str = DEFAULT_MONTHS,
    fmt: str | None = None,
    bad_rows: int = 0,
    seed: int = DEFAULT_SEED,
    log=None,
) -> list[Path]:
    """Writes one file per month of the range into out; returns the paths."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}")
    fmt = fmt or ("csv" if scale == "district" else "parquet")
    if fmt not in ("csv", "parquet"):
        raise ValueError("format must be csv or parquet")
    wanted = parse_months(months)
    out.mkdir(parents=True, exist_ok=True)
    cluster_codes, cluster_zh = load_clusters()
    cluster_names = np.array(cluster_zh, dtype=object)
    food = cluster_codes.index("food_beverages")
    started = time.perf_counter()
    layers = build_firms(scale, seed)
    if log:
        log(f"{sum(len(f) for _, f in layers):,} enterprises ({time.perf_counter() - started:.1f}s)")
    con = duckdb.connect()
    con.execute("set threads = 1")  # one writer thread: the same bytes on every run
    ytd = [np.zeros(len(f), dtype=np.int64) for _, f in layers]
    wanted_set = set(wanted)
    y, m = wanted[0][0], 1  # YTD needs the months from January
    paths = []
    while (y, m) <= wanted[-1]:
        frame = month_frame(layers, seed, y, m, ytd, cluster_names, food)
        if (y, m) in wanted_set:
            if (y, m) == wanted[-1] and bad_rows:
                spoil(frame, bad_rows, seed)
            path = out / f"{FILE_STEM}_{y:04d}-{m:02d}.{fmt}"
            table = to_output_columns(frame)
            write_file(con, table, path, fmt)
            paths.append(path)
            if log:
                log(f"{path.name}: {len(table):,} rows ({time.perf_counter() - started:.1f}s)")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    con.close()
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        default="district",
        help="district ≈ 400 firms, city ≈ 7,500, national ≈ 500,000",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for the monthly files")
    parser.add_argument("--months", default=DEFAULT_MONTHS, help="e.g. 2023-01:2024-12 (default) or 2024-06")
    parser.add_argument(
        "--format",
        choices=["csv", "parquet"],
        default=None,
        help="csv (UTF-8 with BOM) or parquet; default csv for district, parquet otherwise",
    )
    parser.add_argument(
        "--bad-rows",
        type=int,
        default=0,
        help="spoil N rows of the last month (wrong check character / negative output)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.bad_rows < 0:
        parser.error("--bad-rows must not be negative")
    try:
        paths = generate(
            args.scale,
            args.out,
            args.months,
            args.format,
            args.bad_rows,
            args.seed,
            log=None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True)),
        )
    except ValueError as exc:
        parser.error(str(exc))
    print(f"wrote {len(paths)} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
