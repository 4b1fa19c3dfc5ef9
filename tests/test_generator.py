"""The synthetic enterprise feed generator (sources/generate_enterprises.py), at district scale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.parsing.uscc import is_valid_uscc
from dagster_project.settings import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "sources"))
import generate_enterprises as gen

SCRIPT = REPO_ROOT / "sources" / "generate_enterprises.py"
BUNDLED = REPO_ROOT / "sources" / "inbox" / "规上工业企业月报"
AMOUNTS = [
    "工业总产值当月(万元)",
    "工业总产值累计(万元)",
    "营业收入(万元)",
    "利润总额(万元)",
    "实缴税金(万元)",
    "综合能耗(吨标准煤)",
    "研发费用(万元)",
]
# The 集群产值 sheet of 经信委 (sample data), 2023, 亿元; and 双桥经开区's published 2023 output.
CLUSTER_OUTPUT_2023 = {
    "智能网联新能源汽车和摩托车及其零部件": 98.6,
    "再生资源及新材料": 72.4,
    "现代五金": 48.3,
    "智能电梯": 26.5,
    "锶盐": 18.7,
    "光电": 35.2,
    "集成电路及传感器": 12.1,
    "医药中间体及现代中药": 9.8,
    "新能源及新型储能": 14.6,
    "无人机及航空地面设备": 3.2,
    "机器人": 5.4,
    "食品及酒水饮料": 21.3,
    "其他": 45.8,
}


def read_csvs(folder: Path) -> pd.DataFrame:
    frames = [
        pd.read_csv(p, dtype=str, encoding="utf-8-sig", keep_default_na=False) for p in sorted(folder.glob("*.csv"))
    ]
    frame = pd.concat(frames, ignore_index=True)
    for column in AMOUNTS + ["用地面积(亩)"]:  # exact, in hundredths
        frame[column] = frame[column].map(lambda s: round(float(s) * 100)).astype("int64")
    frame["从业人员(人)"] = frame["从业人员(人)"].astype("int64")
    return frame


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> pd.DataFrame:
    """Two years (the default range) of the district scale."""
    out = tmp_path_factory.mktemp("district")
    paths = gen.generate("district", out)
    assert [p.name for p in paths][:2] == ["规上工业企业月报_2023-01.csv", "规上工业企业月报_2023-02.csv"]
    assert len(paths) == 24
    return read_csvs(out)


def test_deterministic_csv_and_parquet(tmp_path):
    for fmt in ("csv", "parquet"):
        a = gen.generate("district", tmp_path / f"a_{fmt}", "2023-11:2024-02", fmt)
        b = gen.generate("district", tmp_path / f"b_{fmt}", "2023-11:2024-02", fmt)
        assert [p.name for p in a] == [p.name for p in b] and len(a) == 4
        for x, y in zip(a, b):
            assert x.read_bytes() == y.read_bytes(), x.name


def test_a_month_does_not_depend_on_the_range_asked_for(tmp_path, district):
    (path,) = gen.generate("district", tmp_path, "2024-03")
    alone = read_csvs(tmp_path)
    in_range = district[district["报告期"] == "2024-03"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, in_range)


def test_file_format(tmp_path):
    (path,) = gen.generate("district", tmp_path, "2024-06")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # as Excel saves "CSV UTF-8"
    header = raw[3:].split(b"\r\n")[0].decode("utf-8").split(",")
    assert header == gen.COLUMNS
    from dagster_project.ingest.enterprise import AMOUNT_COLUMNS, TEXT_COLUMNS

    assert set(header) == set(TEXT_COLUMNS) | set(AMOUNT_COLUMNS)
    first = raw[3:].split(b"\r\n")[1].decode("utf-8").split(",")
    assert first[4] == "2024-06"
    assert all(len(v.split(".")[1]) == 2 for v in first[5:12] + first[13:])  # 2 decimals


def test_parquet_columns(tmp_path):
    (path,) = gen.generate("district", tmp_path, "2024-06", "parquet")
    con = duckdb.connect()
    described = {name: kind for name, kind, *_ in con.execute(f"describe select * from '{path}'").fetchall()}
    assert list(described) == gen.COLUMNS
    assert described["工业总产值当月(万元)"] == "DECIMAL(18,2)" and described["从业人员(人)"] == "INTEGER"
    csv_frame = read_csvs(Path(gen.generate("district", tmp_path / "csv", "2024-06")[0]).parent)
    assert con.execute(f"select count(*) from '{path}'").fetchone()[0] == len(csv_frame)


def test_every_credit_code_is_valid_and_unique_per_month(district):
    codes = district["统一社会信用代码"]
    assert codes.map(is_valid_uscc).all()
    assert codes.str.startswith("91500111").all()  # Dazu
    assert not district.duplicated(["统一社会信用代码", "报告期"]).any()
    assert 380 <= codes.nunique() <= 420
    names = district.groupby("统一社会信用代码")["企业名称"].nunique()
    assert (names == 1).all() and district["企业名称"].nunique() == codes.nunique()


def test_ytd_is_the_cumulative_sum_of_the_months(district):
    frame = district.sort_values(["统一社会信用代码", "报告期"]).copy()
    frame["year"] = frame["报告期"].str[:4]
    cumulative = frame.groupby(["统一社会信用代码", "year"])["工业总产值当月(万元)"].cumsum()
    assert (cumulative == frame["工业总产值累计(万元)"]).all()


def test_values_are_plausible(district):
    for column in AMOUNTS:
        if column != "利润总额(万元)":
            assert (district[column] >= 0).all(), column
    assert 0.02 < (district["利润总额(万元)"] < 0).mean() < 0.35  # some losses
    revenue = district["营业收入(万元)"].sum()
    assert 0.85 < revenue / district["工业总产值当月(万元)"].sum() < 1.05
    assert 0.01 < district["实缴税金(万元)"].sum() / revenue < 0.06
    assert 0.01 < district["研发费用(万元)"].sum() / revenue < 0.05
    assert (district.groupby("统一社会信用代码")["用地面积(亩)"].nunique() == 1).all()  # land is stable
    assert set(district["所属园区"]) == {"双桥经开区", "大足工业园区", "大足高新区"}
    assert set(district["产业集群"]) == set(CLUSTER_OUTPUT_2023)
    # heavy tail: the 10% largest firms make over 40% of the output, the largest over 5%
    annual = (
        district[district["报告期"].str.startswith("2023")].groupby("统一社会信用代码")["工业总产值当月(万元)"].sum()
    )
    assert annual.nlargest(len(annual) // 10).sum() > 0.4 * annual.sum()
    assert annual.max() > 0.05 * annual.sum()


def test_seasonality(district):
    total = district.groupby("报告期")["工业总产值当月(万元)"].sum()
    for year in ("2023", "2024"):
        months = total[total.index.str.startswith(year)]
        assert months[f"{year}-02"] < 0.9 * months.mean()  # Spring Festival
        assert months[f"{year}-12"] == months.max()  # year-end high
    assert total["2024-02"] < total["2024-01"]  # the festival fell in February 2024


def test_some_firms_change_park_or_cluster_once(district):
    per_firm = district.sort_values("报告期").groupby("统一社会信用代码")
    changes = per_firm.apply(
        lambda f: int(
            ((f["所属园区"] != f["所属园区"].shift()) | (f["产业集群"] != f["产业集群"].shift())).iloc[1:].sum()
        )
    )
    movers = changes[changes > 0]
    assert 3 <= len(movers) <= 0.03 * len(changes)  # about 1%
    assert (movers == 1).all()
    parks = per_firm["所属园区"].nunique()
    clusters = per_firm["产业集群"].nunique()
    assert (parks > 1).any() and (clusters > 1).any()


def test_district_2023_calibration(district):
    year = district[district["报告期"].str.startswith("2023")]
    by_cluster = year.groupby("产业集群")["工业总产值当月(万元)"].sum() / 1e6  # 0.01万元 -> 亿元
    for cluster, target in CLUSTER_OUTPUT_2023.items():
        assert by_cluster[cluster] == pytest.approx(target, rel=0.005), cluster
    assert by_cluster.sum() == pytest.approx(411.9, rel=0.005)
    by_park = year.groupby("所属园区")["工业总产值当月(万元)"].sum() / 1e6
    assert by_park["双桥经开区"] == pytest.approx(227.8, rel=0.005)
    # December's YTD gives the same cluster totals (no changes or exits in 2023)
    december = district[district["报告期"] == "2023-12"].groupby("产业集群")["工业总产值累计(万元)"].sum() / 1e6
    pd.testing.assert_series_equal(december, by_cluster, check_names=False)


@pytest.mark.parametrize("n_bad", [0, 1, 5])
def test_bad_rows(tmp_path, n_bad):
    gen.generate("district", tmp_path, "2023-05:2023-06", bad_rows=n_bad)
    for month, expected in (("2023-05", 0), ("2023-06", n_bad)):
        frame = read_csvs(tmp_path)
        frame = frame[frame["报告期"] == month]
        bad_code = ~frame["统一社会信用代码"].map(is_valid_uscc)
        negative = frame["工业总产值当月(万元)"] < 0
        assert int((bad_code | negative).sum()) == expected, month
        assert not (bad_code & negative).any()
        if expected >= 2:
            assert bad_code.any() and negative.any()


def test_cli(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--scale",
            "district",
            "--out",
            str(tmp_path / "out"),
            "--months",
            "2024-01:2024-02",
            "--bad-rows",
            "2",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "规上工业企业月报_2024-01.csv",
        "规上工业企业月报_2024-02.csv",
    ]
    bad = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path), "--months", "2024-13"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "months" in bad.stderr


def test_bundled_sample_is_the_generators_output(tmp_path):
    bundled = sorted(BUNDLED.glob("*.csv"))
    assert bundled, (
        "run: .venv/bin/python sources/generate_enterprises.py --scale district "
        "--out sources/inbox/规上工业企业月报 --months 2023-01:2024-06"
    )
    first, last = bundled[0].stem.split("_")[-1], bundled[-1].stem.split("_")[-1]
    paths = gen.generate("district", tmp_path, f"{first}:{last}")
    assert [p.name for p in paths] == [p.name for p in bundled]
    for ours, theirs in zip(paths, bundled):
        assert ours.read_bytes() == theirs.read_bytes(), theirs.name
