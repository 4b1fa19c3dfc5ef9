-- The floor: the enterprise path of the pipeline (docs/enterprise_feed.md) as one hand-written DuckDB script.
--
-- bench/floor.py runs it. It expects
--   * a view `src`: every row of every monthly file as read (CSV all-varchar or Parquet as typed), with
--     `file_name` (the file the row came from) and `file_row` (its 1-based data row, null for CSV);
--   * :reference_dir: replaced by the folder of the catalog CSVs (sources/reference).
-- and leaves the marts in schema `marts` of the database it runs in.
--
-- Same rules as the pipeline: a file with any bad row (invalid credit code, unknown cluster, unreadable month,
-- missing or unreadable number, negative value other than profit, YTD below the month, the same enterprise
-- twice for a month) is rejected whole; of the accepted rows the latest file wins per (credit_code, month).

-- Row order does not matter to any result: let DuckDB stream and write in parallel.
set preserve_insertion_order = false;

-- GB 32100-2015 check character: 31 − (Σ value × weight mod 31), 31 written as 0.
create or replace temp macro uscc_v(ch) as strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', ch) - 1;
create or replace temp macro uscc_ok(code) as (
    code is not null
    and length(code) = 18
    and regexp_full_match(code, '[0-9A-HJ-NP-RTUWXY]{18}')
    and regexp_full_match(substr(code, 3, 6), '[0-9]{6}')
    and code[18] = substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + (31 - (
          uscc_v(code[1]) * 1 + uscc_v(code[2]) * 3 + uscc_v(code[3]) * 9 + uscc_v(code[4]) * 27
        + uscc_v(code[5]) * 19 + uscc_v(code[6]) * 26 + uscc_v(code[7]) * 16 + uscc_v(code[8]) * 17
        + uscc_v(code[9]) * 20 + uscc_v(code[10]) * 29 + uscc_v(code[11]) * 25 + uscc_v(code[12]) * 13
        + uscc_v(code[13]) * 8 + uscc_v(code[14]) * 24 + uscc_v(code[15]) * 10 + uscc_v(code[16]) * 30
        + uscc_v(code[17]) * 28) % 31) % 31, 1)
);
-- How names are matched against the catalog: no spaces or quotes, lower case.
create or replace temp macro name_key(x) as lower(regexp_replace(cast(x as varchar), '[\s"''“”‘’「」『』]+', '', 'g'));
-- Numbers: typed columns (Parquet) as they are, text (CSV) without thousands separators.
create or replace temp macro amount(x) as
    case when typeof(x) = 'VARCHAR' then try_cast(replace(trim(cast(x as varchar)), ',', '') as double)
         else try_cast(x as double) end;

-- Catalog names and aliases.
create or replace temp table cluster_names as
with c as (select * from read_csv(':reference_dir:/clusters.csv', all_varchar = true, header = true))
select distinct name_key(n) as key, cluster_code from (
    select cluster_code, name_zh as n from c
    union all select cluster_code, cluster_code from c
    union all select cluster_code, unnest(string_split(aliases, '|')) from c where coalesce(aliases, '') <> ''
) where coalesce(n, '') <> '';

create or replace temp table area_names as
with a as (select * from read_csv(':reference_dir:/areas.csv', all_varchar = true, header = true))
select distinct name_key(n) as key, area_code from (
    select area_code, name_zh as n from a
    union all select area_code, area_code from a
    union all select area_code, unnest(string_split(aliases, '|')) from a where coalesce(aliases, '') <> ''
) where coalesce(n, '') <> '';

create or replace temp table areas as
select area_code, area_type, parent_area_code
from read_csv(':reference_dir:/areas.csv', all_varchar = true, header = true);

-- The distinct texts of the files, resolved once (a handful of values, not one per row).
create or replace temp table cluster_map as
select t.cluster_name, n.cluster_code
from (select distinct trim(cast("产业集群" as varchar)) as cluster_name from src) t
join cluster_names n on n.key = name_key(t.cluster_name);

create or replace temp table park_map as
select t.park_name, n.area_code
from (select distinct trim(cast("所属园区" as varchar)) as park_name from src) t
join area_names n on n.key = name_key(t.park_name);

-- 报告期: 2024-06, 2024年6月, 202406, 2024/6, a date 2024-06-01.
create or replace temp table period_map as
select period_text, make_date(cast(y as integer), cast(m as integer), 1) as month_start
from (
    select period_text,
           regexp_extract(p, '^(\d{4})[-/.年]?(\d{1,2})(月|[-/.]\d{1,2}(日|[ T].*)?)?$', 1) as y,
           regexp_extract(p, '^(\d{4})[-/.年]?(\d{1,2})(月|[-/.]\d{1,2}(日|[ T].*)?)?$', 2) as m
    from (select distinct cast("报告期" as varchar) as period_text,
                 regexp_replace(cast("报告期" as varchar), '\s+', '', 'g') as p from src)
)
where y <> '' and cast(m as integer) between 1 and 12;

-- Every row, typed and in base units (万元 → yuan).
create or replace temp table staged as
select s.file_name, s.file_row,
       upper(trim(cast(s."统一社会信用代码" as varchar))) as credit_code,
       trim(cast(s."企业名称" as varchar)) as enterprise_name,
       trim(cast(s."所属园区" as varchar)) as park_name,
       pm.area_code,
       cm.cluster_code,
       per.month_start,
       amount(s."工业总产值当月(万元)") * 10000 as output_month_yuan,
       amount(s."工业总产值累计(万元)") * 10000 as output_ytd_yuan,
       amount(s."营业收入(万元)") * 10000 as revenue_yuan,
       amount(s."利润总额(万元)") * 10000 as profit_yuan,
       amount(s."实缴税金(万元)") * 10000 as tax_yuan,
       amount(s."综合能耗(吨标准煤)") as energy_tce,
       amount(s."研发费用(万元)") * 10000 as rd_yuan,
       cast(round(amount(s."从业人员(人)")) as integer) as employees,
       amount(s."用地面积(亩)") as land_mu
from src s
left join cluster_map cm on cm.cluster_name = trim(cast(s."产业集群" as varchar))
left join park_map pm on pm.park_name = trim(cast(s."所属园区" as varchar))
left join period_map per on per.period_text = cast(s."报告期" as varchar);

-- Credit codes are checked once each (an enterprise appears in every month).
-- (Two statements: in one, the optimiser would push the check below the distinct, onto every row.)
create or replace temp table codes as select distinct credit_code from staged;
create or replace temp table bad_codes as
select credit_code from codes where not coalesce(uscc_ok(credit_code), false);

-- A file with any bad row is rejected whole.
create or replace temp table file_status as
select file_name, count(*) as n_rows,
       count(*) filter (where credit_code is null or credit_code in (select credit_code from bad_codes)) as bad_code,
       count(*) filter (where cluster_code is null) as unknown_cluster,
       count(*) filter (where month_start is null) as unknown_period,
       count(*) filter (where output_month_yuan is null or output_ytd_yuan is null or revenue_yuan is null
                          or profit_yuan is null or tax_yuan is null or energy_tce is null or rd_yuan is null
                          or employees is null or land_mu is null) as bad_number,
       count(*) filter (where output_month_yuan < 0 or output_ytd_yuan < 0 or revenue_yuan < 0 or tax_yuan < 0
                          or energy_tce < 0 or rd_yuan < 0 or employees < 0 or land_mu < 0) as negative,
       count(*) filter (where output_ytd_yuan < output_month_yuan - 0.005) as ytd_below_month
from staged group by file_name;

-- The same enterprise twice for a month in one file.
create or replace temp table duplicates_in_file as
select file_name, count(*) as duplicates
from (select file_name from staged group by file_name, credit_code, month_start having count(*) > 1)
group by file_name;

create or replace temp table accepted_files as
select file_name from file_status left join duplicates_in_file using (file_name)
where bad_code + unknown_cluster + unknown_period + bad_number + negative + ytd_below_month
      + coalesce(duplicates, 0) = 0;

create schema if not exists marts;

-- One row per enterprise and month: the latest accepted file wins. Only the enterprise-months that more than
-- one accepted file carries need ranking; the others pass straight through.
create or replace temp table repeated_keys as
select credit_code, month_start from staged semi join accepted_files using (file_name)
group by credit_code, month_start having count(*) > 1;

create or replace table marts.fct_enterprise_month as
with accepted as (
    select credit_code, enterprise_name, park_name, area_code, cluster_code,
           strftime(month_start, '%YM%m') as period_code, month_start,
           year(month_start) as year, month(month_start) as month,
           output_month_yuan, output_ytd_yuan, revenue_yuan, profit_yuan, tax_yuan, energy_tce, rd_yuan,
           employees, land_mu, file_name, file_row
    from staged semi join accepted_files using (file_name)
)
select * exclude (file_row) from accepted anti join repeated_keys using (credit_code, month_start)
union all
select * exclude (file_row) from (
    select * from accepted semi join repeated_keys using (credit_code, month_start)
    qualify row_number() over (partition by credit_code, month_start order by file_name desc, file_row desc) = 1
);

-- SCD2: one version per stretch of consecutive months with the same park and cluster. Nearly every enterprise
-- has one park and cluster throughout: its one (park, cluster) group is its one version. Only enterprises with
-- more than one group go through the islands rule over their months.
create or replace temp table combinations as
select credit_code, park_name, area_code, cluster_code, arg_max(enterprise_name, month_start) as enterprise_name,
       min(month_start) as valid_from
from marts.fct_enterprise_month group by credit_code, park_name, area_code, cluster_code;

create or replace temp table moved as
select credit_code from combinations group by credit_code having count(*) > 1;

create or replace table marts.dim_enterprise as
with changes as (
    select credit_code, enterprise_name, park_name, area_code, cluster_code, month_start,
           case when lag(park_name) over w is not distinct from park_name
                 and lag(cluster_code) over w = cluster_code then 0 else 1 end as starts_version
    from marts.fct_enterprise_month semi join moved using (credit_code)
    window w as (partition by credit_code order by month_start)
), islands as (
    select *, sum(starts_version) over (partition by credit_code order by month_start
                                        rows between unbounded preceding and current row) as version
    from changes
), versions as (
    select credit_code, 1 as version, enterprise_name, park_name, area_code, cluster_code, valid_from
    from combinations anti join moved using (credit_code)
    union all
    select credit_code, cast(version as integer) as version,
           arg_max(enterprise_name, month_start) as enterprise_name,
           any_value(park_name) as park_name, any_value(area_code) as area_code,
           any_value(cluster_code) as cluster_code, min(month_start) as valid_from
    from islands group by credit_code, version
)
select credit_code, enterprise_name, park_name, area_code, cluster_code, valid_from,
       cast(lead(valid_from) over v - interval 1 day as date) as valid_to,
       lead(valid_from) over v is null as is_current,
       version
from versions
window v as (partition by credit_code order by version);

-- 亩均论英雄: one row per enterprise and year. The class: the highest of sources/reference/mu_classes.csv whose
-- min_tax_per_mu is at or below tax_per_mu (as-of join), the lowest below every threshold.
create or replace temp table mu_classes as
select mu_class, cast(min_tax_per_mu as double) as min_tax_per_mu
from read_csv(':reference_dir:/mu_classes.csv', all_varchar = true, header = true);

create or replace table marts.fct_mu_efficiency as
with yearly as (
    select credit_code, year, count(*) as months_reported,
           sum(output_month_yuan) as output_yuan, sum(tax_yuan) as tax_yuan, sum(revenue_yuan) as revenue_yuan,
           sum(profit_yuan) as profit_yuan, sum(rd_yuan) as rd_yuan, sum(energy_tce) as energy_tce,
           arg_max(land_mu, month_start) as land_mu, arg_max(employees, month_start) as employees
    from marts.fct_enterprise_month group by credit_code, year
), ratios as (
    select *,
           tax_yuan / nullif(land_mu, 0) as tax_per_mu,
           output_yuan / nullif(land_mu, 0) as output_per_mu,
           energy_tce / nullif(output_yuan / 10000, 0) as energy_per_10k_yuan,
           rd_yuan / nullif(revenue_yuan, 0) as rd_intensity
    from yearly
)
select r.*, r.tax_per_mu >= 100000 as meets_tax_floor,
       case when r.tax_per_mu is null then null
            else coalesce(c.mu_class, (select mu_class from mu_classes order by min_tax_per_mu limit 1)) end as mu_class
from ratios r asof left join mu_classes c on r.tax_per_mu >= c.min_tax_per_mu;

-- Cluster × area × period from the feed: each Dazu park, and dazu_district for all enterprises of the Dazu
-- parks. Periods: every month (its own output) and, where months 1..m of the year are all there, the
-- January-to-m range (2024YTD02, 2024Q1, 2024H1, …, 2024) with the summed 工业总产值累计 of month m.
create or replace table marts.fct_cluster_output_enterprise as
with park_rows as (
    select f.cluster_code, f.area_code, f.year, f.month, f.output_month_yuan, f.output_ytd_yuan
    from marts.fct_enterprise_month f
    join areas a on a.area_code = f.area_code
    where a.area_type = 'park' and a.parent_area_code = 'dazu_district'
), area_rows as (
    select * from park_rows
    union all
    select cluster_code, 'dazu_district', year, month, output_month_yuan, output_ytd_yuan from park_rows
), monthly as (
    select cluster_code, area_code, year, month, count(*) as n_enterprises,
           sum(output_month_yuan) as output_month_yuan, sum(output_ytd_yuan) as output_ytd_yuan,
           count(*) over (partition by cluster_code, area_code, year order by month
                          rows between unbounded preceding and current row) as months_present
    from area_rows group by cluster_code, area_code, year, month
), periods as (
    select cluster_code, area_code, year, month as end_month, false as is_range,
           cast(year as varchar) || 'M' || lpad(cast(month as varchar), 2, '0') as period_code,
           output_month_yuan as output_yuan, n_enterprises
    from monthly
    union all
    select cluster_code, area_code, year, month, true,
           cast(year as varchar) || case month when 3 then 'Q1' when 6 then 'H1' when 12 then ''
                                               else 'YTD' || lpad(cast(month as varchar), 2, '0') end,
           output_ytd_yuan, n_enterprises
    from monthly where months_present = month and month > 1
)
select p.cluster_code, p.area_code, p.period_code, p.year, p.end_month, p.output_yuan,
       p.output_yuan / nullif(sum(p.output_yuan) over (partition by p.area_code, p.period_code), 0)
           as share_of_area_total,
       p.output_yuan / nullif(prior.output_yuan, 0) - 1 as yoy_growth,
       p.n_enterprises
from periods p
left join periods prior on prior.cluster_code = p.cluster_code and prior.area_code = p.area_code
                       and prior.year = p.year - 1 and prior.end_month = p.end_month
                       and prior.is_range = p.is_range;

create or replace table marts.file_status as
select * from file_status left join duplicates_in_file using (file_name);
