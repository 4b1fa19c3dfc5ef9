-- The floor's second part: what the pipeline keeps and checks beside the marts, done the floor's way.
--
-- bench/floor.py runs it after floor.sql (not with --marts-only), in a database written in storage v1.0.0
-- (what the pipeline publishes, so that DuckDB 1.x readers open it), and then exports the marts to Parquet
-- as the pipeline does (fct_enterprise_month one file per month). It leaves in `served_checks` one row per key
-- check with the number of offending rows (floor.py fails unless all are 0).

-- Every row read, with its file and row, kept (the pipeline's raw.enterprise_month).
create schema if not exists raw;
create or replace table raw.enterprise_month as select * from staged;

-- The key checks the pipeline's first build runs on the large tables (dbt tests).
create or replace temp table served_checks as
select 'raw rows unique per file and row' as check_name, count(*) as failures
from (select file_name, file_row from raw.enterprise_month where file_row is not null
      group by all having count(*) > 1)
union all
select 'raw rows unique per file, enterprise and month', count(*)
from (select file_name, credit_code, month_start from raw.enterprise_month semi join accepted_files using (file_name)
      group by all having count(*) > 1)
union all
select 'fct_enterprise_month unique per enterprise and month', count(*)
from (select credit_code, period_code from marts.fct_enterprise_month group by all having count(*) > 1)
union all
select 'fct_enterprise_month enterprises in dim_enterprise', count(*)
from (select credit_code from marts.fct_enterprise_month anti join marts.dim_enterprise using (credit_code))
union all
select 'dim_enterprise unique per enterprise and valid_from', count(*)
from (select credit_code, valid_from from marts.dim_enterprise group by all having count(*) > 1)
union all
select 'fct_mu_efficiency unique per enterprise and year', count(*)
from (select credit_code, year from marts.fct_mu_efficiency group by all having count(*) > 1);
