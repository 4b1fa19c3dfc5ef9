"""The enterprise path as an analyst would write it in plain pandas: same inputs, rules and outputs as
bench/floor.sql. Results go to Parquet files in OUT_DIR (written through DuckDB, since there is no pyarrow).

    python bench/pandas_version.py INBOX_DIR OUT_DIR

Reading: pandas.read_csv for CSV. pandas.read_parquet needs pyarrow or fastparquet, which this environment
does not have; Parquet files are then read into a DataFrame by DuckDB (only the file reading; every
transformation below is pandas).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "sources" / "reference"

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUE = {c: i for i, c in enumerate(CHARSET)}
TEXT = {
    "统一社会信用代码": "credit_code",
    "企业名称": "enterprise_name",
    "所属园区": "park_name",
    "产业集群": "cluster_name",
    "报告期": "period_text",
}
AMOUNTS = {
    "工业总产值当月(万元)": ("output_month_yuan", 10_000),
    "工业总产值累计(万元)": ("output_ytd_yuan", 10_000),
    "营业收入(万元)": ("revenue_yuan", 10_000),
    "利润总额(万元)": ("profit_yuan", 10_000),
    "实缴税金(万元)": ("tax_yuan", 10_000),
    "综合能耗(吨标准煤)": ("energy_tce", 1),
    "研发费用(万元)": ("rd_yuan", 10_000),
    "从业人员(人)": ("employees", 1),
    "用地面积(亩)": ("land_mu", 1),
}
PERIOD = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})(月|[-/.]\d{1,2}(日|[ T].*)?)?$")


def uscc_ok(code: str) -> bool:
    if not isinstance(code, str) or len(code) != 18 or any(c not in VALUE for c in code) or not code[2:8].isdigit():
        return False
    total = sum(VALUE[c] * w for c, w in zip(code, WEIGHTS))
    return code[17] == CHARSET[(31 - total % 31) % 31]


def name_key(text) -> str:
    return re.sub(r"[\s\"'“”‘’「」『』]+", "", str(text)).lower()


def name_table(path: Path, code_column: str) -> dict[str, str]:
    table = pd.read_csv(path, dtype=str).fillna("")
    keys = {}
    for row in table.itertuples(index=False):
        row = row._asdict()
        for name in [row["name_zh"], row[code_column], *row["aliases"].split("|")]:
            if name:
                keys[name_key(name)] = row[code_column]
    return keys


def month_of(text) -> pd.Timestamp | None:
    m = PERIOD.match(re.sub(r"\s+", "", str(text)))
    if not m or not 1 <= int(m[2]) <= 12:
        return None
    return pd.Timestamp(int(m[1]), int(m[2]), 1)


def read_file(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    try:
        return pd.read_parquet(path)
    except ImportError:
        import duckdb

        return duckdb.read_parquet(str(path)).df()


def load(path: Path, clusters: dict, parks: dict) -> pd.DataFrame | None:
    """One file, typed and checked; None when it is rejected."""
    raw = read_file(path)
    raw.columns = [re.sub(r"\s+", "", c) for c in raw.columns]
    if any(c not in raw.columns for c in [*TEXT, *AMOUNTS]):
        return None
    df = pd.DataFrame({name: raw[col].astype("string").str.strip() for col, name in TEXT.items()})
    df["credit_code"] = df["credit_code"].str.upper()
    for col, (name, factor) in AMOUNTS.items():
        values = raw[col]
        if not pd.api.types.is_numeric_dtype(values):
            values = pd.to_numeric(values.astype("string").str.replace(",", "").str.strip(), errors="coerce")
        df[name] = values.astype("float64") * factor
    df["employees"] = df["employees"].round()
    df["cluster_code"] = df["cluster_name"].map(
        {n: clusters.get(name_key(n)) for n in df["cluster_name"].dropna().unique()}
    )
    df["area_code"] = df["park_name"].map({n: parks.get(name_key(n)) for n in df["park_name"].dropna().unique()})
    df["month_start"] = df["period_text"].map({p: month_of(p) for p in df["period_text"].dropna().unique()})
    df["month_start"] = pd.to_datetime(df["month_start"])
    valid = {c: uscc_ok(c) for c in df["credit_code"].dropna().unique()}
    amounts = [name for name, _ in AMOUNTS.values()]
    bad = (
        ~df["credit_code"].map(valid).fillna(False).astype(bool)
        | df["cluster_code"].isna()
        | df["month_start"].isna()
        | df[amounts].isna().any(axis=1)
        | (df[[a for a in amounts if a != "profit_yuan"]] < 0).any(axis=1)
        | (df["output_ytd_yuan"] < df["output_month_yuan"] - 0.005)
        | df.duplicated(["credit_code", "month_start"], keep=False)
    )
    if bad.any():
        return None
    df["file_name"] = path.name
    df["file_row"] = np.arange(1, len(df) + 1)
    return df.drop(columns=["cluster_name", "period_text"])


def build(inbox: Path, reference: Path) -> dict[str, pd.DataFrame]:
    clusters = name_table(reference / "clusters.csv", "cluster_code")
    parks = name_table(reference / "areas.csv", "area_code")
    areas = pd.read_csv(reference / "areas.csv", dtype=str)
    files = [p for p in sorted(inbox.rglob("*")) if p.suffix.lower() in (".csv", ".parquet")]
    frames = [df for df in (load(p, clusters, parks) for p in files) if df is not None]
    rows = pd.concat(frames, ignore_index=True)
    del frames

    # Latest accepted file wins per enterprise and month.
    rows = rows.sort_values(["credit_code", "month_start", "file_name", "file_row"])
    fct = rows.drop_duplicates(["credit_code", "month_start"], keep="last").reset_index(drop=True)
    del rows
    fct["year"] = fct["month_start"].dt.year
    fct["month"] = fct["month_start"].dt.month
    fct["period_code"] = fct["month_start"].dt.strftime("%YM%m")

    # dim_enterprise: a new version whenever park or cluster differs from the enterprise's previous month.
    by_enterprise = fct.groupby("credit_code", sort=False)
    starts = (by_enterprise["park_name"].shift() != fct["park_name"]) | (
        by_enterprise["cluster_code"].shift() != fct["cluster_code"]
    )
    fct["version"] = starts.astype(int).groupby(fct["credit_code"]).cumsum()
    dim = (
        fct.groupby(["credit_code", "version"], sort=True)
        .agg(
            enterprise_name=("enterprise_name", "last"),
            park_name=("park_name", "first"),
            area_code=("area_code", "first"),
            cluster_code=("cluster_code", "first"),
            valid_from=("month_start", "min"),
        )
        .reset_index()
    )
    next_from = dim.groupby("credit_code")["valid_from"].shift(-1)
    dim["valid_to"] = next_from - pd.Timedelta(days=1)
    dim["is_current"] = next_from.isna()
    fct = fct.drop(columns=["version"])

    # 亩均论英雄 per enterprise and year; the class by the thresholds of mu_classes.csv.
    mu = (
        fct.groupby(["credit_code", "year"])
        .agg(
            months_reported=("month_start", "size"),
            output_yuan=("output_month_yuan", "sum"),
            tax_yuan=("tax_yuan", "sum"),
            revenue_yuan=("revenue_yuan", "sum"),
            profit_yuan=("profit_yuan", "sum"),
            rd_yuan=("rd_yuan", "sum"),
            energy_tce=("energy_tce", "sum"),
            land_mu=("land_mu", "last"),
            employees=("employees", "last"),
        )
        .reset_index()
    )
    land = mu["land_mu"].replace(0, np.nan)
    mu["tax_per_mu"] = mu["tax_yuan"] / land
    mu["output_per_mu"] = mu["output_yuan"] / land
    mu["energy_per_10k_yuan"] = mu["energy_tce"] / (mu["output_yuan"] / 10_000).replace(0, np.nan)
    mu["rd_intensity"] = mu["rd_yuan"] / mu["revenue_yuan"].replace(0, np.nan)
    mu["meets_tax_floor"] = mu["tax_per_mu"] >= 100_000
    classes = pd.read_csv(reference / "mu_classes.csv").sort_values("min_tax_per_mu", ascending=False)
    mu["mu_class"] = np.select(
        [mu["tax_per_mu"] >= t for t in classes["min_tax_per_mu"]],
        list(classes["mu_class"]),
        default=classes["mu_class"].iloc[-1],
    )
    mu["mu_class"] = mu["mu_class"].where(mu["tax_per_mu"].notna())

    # Cluster × area × period: the Dazu parks and the district as their sum; every month, and the
    # January-to-m ranges (YTD output of month m) where months 1..m are all present.
    dazu_parks = set(
        areas.loc[(areas["area_type"] == "park") & (areas["parent_area_code"] == "dazu_district"), "area_code"]
    )
    cols = ["cluster_code", "area_code", "year", "month", "output_month_yuan", "output_ytd_yuan"]
    park_rows = fct.loc[fct["area_code"].isin(dazu_parks), cols]
    in_area = pd.concat([park_rows, park_rows.assign(area_code="dazu_district")], ignore_index=True)
    monthly = (
        in_area.groupby(["cluster_code", "area_code", "year", "month"])
        .agg(
            n_enterprises=("output_month_yuan", "size"),
            output_month_yuan=("output_month_yuan", "sum"),
            output_ytd_yuan=("output_ytd_yuan", "sum"),
        )
        .reset_index()
    )
    del in_area, park_rows
    monthly["months_present"] = monthly.groupby(["cluster_code", "area_code", "year"]).cumcount() + 1
    months = monthly.assign(
        end_month=monthly["month"],
        is_range=False,
        output_yuan=monthly["output_month_yuan"],
        period_code=monthly["year"].astype(str) + "M" + monthly["month"].astype(str).str.zfill(2),
    )
    ranges = monthly[(monthly["months_present"] == monthly["month"]) & (monthly["month"] > 1)]
    suffix = ranges["month"].map(lambda m: {3: "Q1", 6: "H1", 12: ""}.get(m, f"YTD{m:02d}"))
    ranges = ranges.assign(
        end_month=ranges["month"],
        is_range=True,
        output_yuan=ranges["output_ytd_yuan"],
        period_code=ranges["year"].astype(str) + suffix,
    )
    keep = ["cluster_code", "area_code", "period_code", "year", "end_month", "is_range", "output_yuan", "n_enterprises"]
    cluster = pd.concat([months[keep], ranges[keep]], ignore_index=True)
    total = cluster.groupby(["area_code", "period_code"])["output_yuan"].transform("sum")
    cluster["share_of_area_total"] = cluster["output_yuan"] / total.replace(0, np.nan)
    prior = cluster[["cluster_code", "area_code", "year", "end_month", "is_range", "output_yuan"]].copy()
    prior["year"] = prior["year"] + 1
    cluster = cluster.merge(
        prior.rename(columns={"output_yuan": "prior_output_yuan"}),
        how="left",
        on=["cluster_code", "area_code", "year", "end_month", "is_range"],
    )
    cluster["yoy_growth"] = cluster["output_yuan"] / cluster["prior_output_yuan"].replace(0, np.nan) - 1
    cluster = cluster.drop(columns=["prior_output_yuan", "is_range"])
    return {
        "fct_enterprise_month": fct,
        "dim_enterprise": dim,
        "fct_mu_efficiency": mu,
        "fct_cluster_output_enterprise": cluster,
    }


def write(frames: dict[str, pd.DataFrame], out: Path) -> None:
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for name, frame in frames.items():
        rel = con.from_df(frame)
        rel.write_parquet(str(out / f"{name}.parquet"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inbox", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    args = parser.parse_args()
    start = time.perf_counter()
    frames = build(args.inbox, args.reference)
    write(frames, args.out)
    print(f"pandas: { {k: len(v) for k, v in frames.items()} }, {time.perf_counter() - start:.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
