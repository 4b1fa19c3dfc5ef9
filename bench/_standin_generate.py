"""Development stand-in for sources/generate_enterprises.py (the benchmark uses the real one when present).

One file per month, columns as in docs/enterprise_feed.md, written by DuckDB (no pyarrow here).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

SCALES = {"district": 400, "city": 8_000, "national": 150_000}
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PARKS = ["双桥经开区", "大足工业园区", "高新区", "龙水工业园区", "万古高新区", "荣昌高新区", "璧山高新区"]
CLUSTERS = ["汽摩", "再生资源及新材料", "现代五金", "智能电梯", "锶盐", "光电", "集成电路及传感器", "医药中间体",
            "新型储能", "无人机", "机器人", "食品", "其他"]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", default="district", choices=SCALES)
    p.add_argument("--out", required=True)
    p.add_argument("--format", default="parquet", choices=["parquet", "csv"])
    p.add_argument("--months", type=int, default=24)
    p.add_argument("--start", default="2023-01")
    a = p.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    n = SCALES[a.scale]
    con = duckdb.connect()
    check = " + ".join(f"(strpos('{CHARSET}', substr(c17, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(WEIGHTS))
    parks = "[" + ",".join(f"'{x}'" for x in PARKS) + "]"
    clusters = "[" + ",".join(f"'{x}'" for x in CLUSTERS) + "]"
    con.execute(f"""
        create table ent as
        with base as (select i, '915001110' || lpad(cast(i as varchar), 8, '0') as c17 from range({n}) t(i))
        select i, c17 || substr('{CHARSET}', cast((31 - ({check}) % 31) % 31 as int) + 1, 1) as code,
               '重庆某某制造有限公司' || i as name,
               {parks}[cast(1 + hash(i, 'p') % {len(PARKS)} as bigint)] as park,
               {clusters}[cast(1 + hash(i, 'c') % {len(CLUSTERS)} as bigint)] as cluster,
               {clusters}[cast(1 + hash(i, 'c2') % {len(CLUSTERS)} as bigint)] as cluster2,
               (hash(i, 'm') % {a.months}) as switch_month,
               hash(i, 's') % 100 < 5 as switches,
               10 + (hash(i, 'size') % 5000) / 10.0 as size,
               20 + hash(i, 'land') % 300 as land
        from base
    """)
    y0, m0 = map(int, a.start.split("-"))
    for k in range(a.months):
        y, m = y0 + (m0 - 1 + k) // 12, (m0 - 1 + k) % 12 + 1
        month = f"{y}-{m:02d}"
        target = out / f"规上工业企业月报_{month}.{a.format}"
        fmt = "(format parquet)" if a.format == "parquet" else "(header, delimiter ',')"
        con.execute(f"""
            copy (
              select code as 统一社会信用代码, name as 企业名称, park as 所属园区,
                     case when switches and {k} >= switch_month then cluster2 else cluster end as 产业集群,
                     '{month}' as 报告期,
                     round(size * (0.8 + (hash(i, {k}) % 400) / 1000.0), 2) as "工业总产值当月(万元)",
                     round(size * {m} * 0.95, 2) + round(size * (0.8 + (hash(i, {k}) % 400) / 1000.0), 2)
                         as "工业总产值累计(万元)",
                     round(size * 0.97, 2) as "营业收入(万元)",
                     round(size * ((hash(i, {k}, 'p') % 200) / 1000.0 - 0.05), 2) as "利润总额(万元)",
                     round(size * 0.04, 2) as "实缴税金(万元)",
                     round(size * 0.3, 3) as "综合能耗(吨标准煤)",
                     round(size * 0.02, 2) as "研发费用(万元)",
                     cast(size / 3 as integer) as "从业人员(人)",
                     land as "用地面积(亩)"
              from ent where hash(i, 'active', {k}) % 100 < 97 order by i
            ) to '{target}' {fmt}
        """)
    print(f"wrote {a.months} files for {n} enterprises to {out}")


if __name__ == "__main__":
    main()
