"""The enterprise monthly feed (docs/enterprise_feed.md): large files, loaded and checked set-wise in DuckDB.

A file is read by DuckDB straight from the inbox (CSV in UTF-8; GBK is transcoded to a temporary copy first),
checked with SQL, and lands in raw.enterprise_month in one transaction, or is rejected whole with a report.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl

from ..catalog import Catalog
from ..parsing.errors import ParseError
from ..parsing.periods import parse_period
from ..parsing.text import clean_text
from ..parsing.uscc import CHARSET, WEIGHTS
from ..storage import Connection, double_type
from .issues import ERROR, Issue
from .submission import ParsedSubmission

KEY_COLUMN = "统一社会信用代码"
TEXT_COLUMNS = {"统一社会信用代码": "credit_code", "企业名称": "enterprise_name", "所属园区": "park_name",
                "产业集群": "cluster_name", "报告期": "period_text"}
AMOUNT_COLUMNS = {  # header -> (raw column, factor to the base unit)
    "工业总产值当月(万元)": ("output_month_yuan", 10_000), "工业总产值累计(万元)": ("output_ytd_yuan", 10_000),
    "营业收入(万元)": ("revenue_yuan", 10_000), "利润总额(万元)": ("profit_yuan", 10_000),
    "实缴税金(万元)": ("tax_yuan", 10_000), "综合能耗(吨标准煤)": ("energy_tce", 1),
    "研发费用(万元)": ("rd_yuan", 10_000), "从业人员(人)": ("employees", 1), "用地面积(亩)": ("land_mu", 1),
}
MAY_BE_NEGATIVE = {"profit_yuan"}
REPORTED_ROWS = 200  # rows listed in a rejection report; the counts cover all

RAW_ENTERPRISE_DDL = """
create table if not exists raw.enterprise_submission (
    submission_id varchar primary key, sha256 varchar not null, file_name varchar not null,
    archive_path varchar, received_at timestamp not null, loaded_at timestamp not null, status varchar not null,
    n_rows integer not null, n_errors integer not null, report_path varchar, catalog_version varchar
);
create table if not exists raw.enterprise_month (
    submission_id varchar not null, row_no integer not null, credit_code varchar not null,
    enterprise_name varchar, park_name varchar, area_code varchar, cluster_code varchar not null,
    period_code varchar not null, month_start date not null,
    output_month_yuan {double}, output_ytd_yuan {double}, revenue_yuan {double}, profit_yuan {double},
    tax_yuan {double}, energy_tce {double}, rd_yuan {double}, employees integer, land_mu {double},
    loaded_at timestamp not null,
    primary key (submission_id, row_no)
);
"""
RAW_MONTH_COLUMNS = (
    "submission_id", "row_no", "credit_code", "enterprise_name", "park_name", "area_code", "cluster_code",
    "period_code", "month_start", "output_month_yuan", "output_ytd_yuan", "revenue_yuan", "profit_yuan",
    "tax_yuan", "energy_tce", "rd_yuan", "employees", "land_mu", "loaded_at",
)


def ensure_enterprise_schema(con: Connection) -> None:
    for statement in RAW_ENTERPRISE_DDL.format(double=double_type(con.target)).split(";"):
        if statement.strip():
            con.execute(statement)


def header_of(path: Path) -> list[str]:
    """The column names of a file, cheaply: to tell an enterprise extract from an indicator report."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            con = duckdb.connect()
            try:
                return [clean_text(r[0]) for r in con.execute(
                    f"describe select * from read_parquet({_quote(path)})").fetchall()]
            finally:
                con.close()
        if suffix == ".csv":
            with open(path, "rb") as handle:
                first = handle.readline(65536)
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    return [clean_text(c) for c in first.decode(encoding).strip().split(",")]
                except UnicodeDecodeError:
                    continue
        if suffix in (".xlsx", ".xlsm"):
            wb = openpyxl.load_workbook(path, read_only=True)
            try:
                first_row = next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), ())
                return [clean_text(c) for c in first_row if c is not None]
            finally:
                wb.close()
    except Exception:  # unreadable files are the indicator path's to report
        return []
    return []


def is_enterprise_file(path: Path) -> bool:
    return KEY_COLUMN in header_of(path)


@dataclass
class EnterpriseResult:
    parsed: ParsedSubmission  # issues only; rows land set-wise
    n_rows: int
    months: list[str]


def load_enterprise_file(engine: duckdb.DuckDBPyConnection, path: Path, catalog: Catalog) -> EnterpriseResult:
    """Reads and checks the file into the temporary table `enterprise_checked` of engine."""
    parsed = ParsedSubmission(path.name)
    source, cleanup = _readable_source(path)
    try:
        engine.execute("drop table if exists enterprise_load")
        engine.execute(f"create temp table enterprise_load as select row_number() over () as row_no, * "
                       f"from {source}")
    except duckdb.Error as exc:
        parsed.issues.append(Issue(ERROR, "unreadable_file", f"文件无法读取: {exc}", f"the file cannot be read: {exc}",
                                   "用 Excel 另存为 CSV (UTF-8) 或 Parquet 后重新报送",
                                   "save it as CSV UTF-8 or Parquet and submit again"))
        return EnterpriseResult(parsed, 0, [])
    finally:
        cleanup()
    columns = {clean_text(name): name for (name, *_) in engine.execute("describe enterprise_load").fetchall()}
    missing = [c for c in (*TEXT_COLUMNS, *AMOUNT_COLUMNS) if c not in columns]
    for column in missing:
        parsed.issues.append(Issue(ERROR, "missing_column", f"缺少必填列“{column}”", f"required column {column} is missing",
                                   f"按模板添加“{column}”列", f"add the {column} column", row=1, column=column))
    n_rows = engine.execute("select count(*) from enterprise_load").fetchone()[0]
    if missing:
        return EnterpriseResult(parsed, n_rows, [])

    periods = _period_map(engine, columns["报告期"], parsed)
    clusters = _name_map(engine, columns["产业集群"], catalog.clusters.resolve)
    areas = _name_map(engine, columns["所属园区"], catalog.areas.resolve)
    engine.register("period_map", _frame(periods, ["period_text", "period_code", "month_start"]))
    engine.register("cluster_map", _frame(clusters, ["cluster_name", "cluster_code"]))
    engine.register("area_map", _frame(areas, ["park_name", "area_code"]))
    _define_uscc_macro(engine)
    amounts = ",\n".join(
        f"try_cast(replace(trim(cast({_ident(columns[h])} as varchar)), ',', '') as double) * {factor} as {name},"
        f" cast({_ident(columns[h])} as varchar) as {name}__text"
        for h, (name, factor) in AMOUNT_COLUMNS.items())
    engine.execute(f"""
        create or replace temp table enterprise_checked as
        select l.row_no,
               upper(trim(cast({_ident(columns['统一社会信用代码'])} as varchar))) as credit_code,
               trim(cast({_ident(columns['企业名称'])} as varchar)) as enterprise_name,
               trim(cast({_ident(columns['所属园区'])} as varchar)) as park_name,
               a.area_code,
               trim(cast({_ident(columns['产业集群'])} as varchar)) as cluster_name,
               c.cluster_code,
               cast({_ident(columns['报告期'])} as varchar) as period_text,
               p.period_code, p.month_start,
               {amounts}
        from enterprise_load l
        left join period_map p on p.period_text = cast(l.{_ident(columns['报告期'])} as varchar)
        left join cluster_map c on c.cluster_name = trim(cast(l.{_ident(columns['产业集群'])} as varchar))
        left join area_map a on a.park_name = trim(cast(l.{_ident(columns['所属园区'])} as varchar))
    """)
    for key in ("period_map", "cluster_map", "area_map"):
        engine.unregister(key)
    _collect_row_errors(engine, parsed, columns)
    months = [m for (m,) in engine.execute(
        "select distinct period_code from enterprise_checked where period_code is not null order by 1").fetchall()]
    return EnterpriseResult(parsed, n_rows, months)


def _collect_row_errors(engine, parsed: ParsedSubmission, columns: dict[str, str]) -> None:
    rules = [
        ("invalid_credit_code", "统一社会信用代码", "credit_code", "not uscc_ok(credit_code)",
         "无效(长度、字符或校验位不符合GB 32100-2015)", "invalid unified social credit code (GB 32100-2015)",
         "核对代码, 以营业执照为准", "check the code against the business licence"),
        ("unknown_cluster", "产业集群", "cluster_name", "cluster_code is null",
         "未知的产业集群", "unknown cluster", "使用“246”体系集群名称或“其他”", "use a cluster of the 246 system or 其他"),
        ("unknown_period", "报告期", "period_text", "period_code is null",
         "无法识别的报告期(应为月份)", "the 报告期 is not a month", "填写如 2024-06 或 2024年6月", "write e.g. 2024-06"),
        ("duplicate_enterprise_month", "统一社会信用代码", "credit_code",
         "count(*) over (partition by credit_code, period_code) > 1",
         "同一企业同一月份出现多行", "the same enterprise appears twice for one month", "保留一行", "keep one row"),
        ("ytd_below_month", "工业总产值累计(万元)", "output_ytd_yuan__text",
         "output_ytd_yuan < output_month_yuan - 0.005",
         "累计产值小于当月产值", "year-to-date output below the month's output", "核对累计数", "check the YTD figure"),
    ]
    for header, (name, _) in AMOUNT_COLUMNS.items():
        rules.append((f"unreadable_number", header, f"{name}__text",
                      f"{name} is null and nullif(trim(coalesce({name}__text, '')), '') is not null",
                      "无法识别的数值", "the number cannot be read", "填写数字", "enter a number"))
        rules.append(("missing_value", header, f"{name}__text", f"{name}__text is null or trim({name}__text) = ''",
                      "必填项为空", "required value is empty", "填写数值", "fill in the value"))
        if name not in MAY_BE_NEGATIVE:
            rules.append(("negative_value", header, f"{name}__text", f"{name} < 0",
                          "不能为负数", "cannot be negative", "核对数值", "check the value"))
    for rule, header, shown, condition, zh, en, fix_zh, fix_en in rules:
        sql = (f"select row_no, {shown} from (select *, {condition} as bad from enterprise_checked) "
               f"where bad order by row_no")
        count = engine.execute(f"select count(*) from ({sql})").fetchone()[0]
        if not count:
            continue
        for row_no, value in engine.execute(f"{sql} limit {REPORTED_ROWS}").fetchall():
            parsed.issues.append(Issue(ERROR, rule, f"“{header}”{zh}", f"{header}: {en}", fix_zh, fix_en,
                                       sheet="月报", row=row_no + 1, column=header, value_text=str(value or "")))
        if count > REPORTED_ROWS:
            parsed.issues.append(Issue(ERROR, rule, f"另有{count - REPORTED_ROWS}行同类问题未逐行列出",
                                       f"{count - REPORTED_ROWS} more rows with this problem are not listed",
                                       sheet="月报", column=header))


def land_enterprise_rows(engine: duckdb.DuckDBPyConnection, con: Connection, submission_id: str,
                         loaded_at: dt.datetime) -> None:
    """Inserts the checked rows into raw.enterprise_month (inside the caller's transaction)."""
    select = (f"select ? as submission_id, row_no, credit_code, enterprise_name, park_name, area_code, "
              f"cluster_code, period_code, month_start, output_month_yuan, output_ytd_yuan, revenue_yuan, "
              f"profit_yuan, tax_yuan, energy_tce, rd_yuan, cast(round(employees) as integer) as employees, land_mu, "
              f"cast(? as timestamp) as loaded_at from enterprise_checked")
    if con.target == "duckdb" and con.raw is engine:
        engine.execute(f"insert into raw.enterprise_month ({', '.join(RAW_MONTH_COLUMNS)}) {select}",
                       [submission_id, loaded_at])
        return
    cursor = engine.execute(select, [submission_id, loaded_at])
    with con.raw.cursor() as pg, pg.copy(f"copy raw.enterprise_month ({', '.join(RAW_MONTH_COLUMNS)}) from stdin") as copy:
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                copy.write_row(row)


def _readable_source(path: Path):
    """A DuckDB table expression for the file, and a cleanup for any temporary copy."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return f"read_parquet({_quote(path)})", lambda: None
    if suffix in (".xlsx", ".xlsm"):
        import pandas as pd

        frame = pd.read_excel(path, dtype=str)
        tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
        frame.to_csv(tmp.name, index=False)
        return _csv_source(Path(tmp.name)), lambda: os.unlink(tmp.name)
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    try:
        head.decode("utf-8")
        return _csv_source(path), lambda: None
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut at the sample's end
            return _csv_source(path), lambda: None
    tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
    with open(path, "rb") as src, open(tmp.name, "w", encoding="utf-8") as dst:
        for line in src:
            dst.write(line.decode("gb18030"))
    return _csv_source(Path(tmp.name)), lambda: os.unlink(tmp.name)


def _csv_source(path: Path) -> str:
    return f"read_csv({_quote(path)}, header = true, all_varchar = true, delim = ',')"


def _period_map(engine, column: str, parsed: ParsedSubmission) -> list[tuple]:
    mapping = []
    for (text,) in engine.execute(f"select distinct cast({_ident(column)} as varchar) from enterprise_load").fetchall():
        try:
            period = parse_period(text)
        except ParseError:
            continue
        if period.granularity == "month":
            parsed.use_period(period)
            mapping.append((text, period.code, period.start_date))
    return mapping


def _name_map(engine, column: str, resolve) -> list[tuple]:
    rows = engine.execute(f"select distinct trim(cast({_ident(column)} as varchar)) from enterprise_load").fetchall()
    return [(name, resolve(name)) for (name,) in rows if name is not None and resolve(name) is not None]


def _frame(rows: list[tuple], columns: list[str]):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns).astype({c: "object" for c in columns[:1]})


def _define_uscc_macro(engine) -> None:
    weights = "[" + ", ".join(str(w) for w in WEIGHTS) + "]"
    engine.execute(f"""
        create or replace temp macro uscc_ok(code) as (
            code is not null and length(code) = 18
            and regexp_full_match(code, '[{CHARSET}]{{18}}')
            and regexp_full_match(substr(code, 3, 6), '[0-9]{{6}}')
            and substr(code, 18, 1) = substr('{CHARSET}', cast((31 - list_sum(list_transform(range(17),
                lambda i: (strpos('{CHARSET}', substr(code, i + 1, 1)) - 1) * {weights}[i + 1])) % 31) % 31 + 1
                as bigint), 1)
        )
    """)


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
