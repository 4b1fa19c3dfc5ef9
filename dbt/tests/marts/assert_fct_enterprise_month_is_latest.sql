{{ config(severity='error') }}
-- fct_enterprise_month is built incrementally from a loaded_at watermark, which assumes
-- that every file lands with a loaded_at at or after the files already processed
-- (ingestion stamps the current UTC time). This test recomputes, from raw, which row
-- should hold an enterprise and month (what a full refresh would keep) and returns
-- every checked enterprise-month where the table disagrees. A failure means rows landed
-- with an older loaded_at (clock set back, restored or hand-loaded raw rows): rebuild with
--   dbt build --full-refresh --select fct_enterprise_month+
--
-- Scope (so that a nightly run does not rank the whole history again): the enterprise-
-- months that have rows of the latest ingestion (the latest loaded_at of the enterprise
-- files; ingestion stamps every file of one run with the same second), plus every
-- enterprise-month of an accepted file none of whose rows is in the table (a file that
-- landed with an older loaded_at and was skipped, or one wholly replaced by later files,
-- which is then checked again every night). For the latest ingestion's enterprise-months
-- the expected row is the latest of that ingestion's rows: no row can carry a later
-- loaded_at. No longer covered: enterprise-months with no row in the latest ingestion, in
-- particular an older row of a file that is partly in the table (e.g. a file loaded
-- with an older loaded_at whose enterprise-months were all replaced except some), and a
-- row of the table changed or deleted by hand. A full check: run the test after
--   dbt build --full-refresh --select fct_enterprise_month
-- or compare the table with a full refresh (tests/test_incremental.py does).
with

submissions as (

    select * from {{ ref('stg_raw__enterprise_submission') }}

),

enterprise_months as (

    select * from {{ ref('stg_raw__enterprise_month') }}

),

latest_load as (

    select max(loaded_at) as loaded_at from submissions

),

accepted as (

    select submission_id from submissions where ingest_status = 'accepted'

),

in_table as (

    select distinct submission_id from {{ ref('fct_enterprise_month') }}

),

-- accepted files of which the table holds no row
absent as (

    select accepted.submission_id
    from accepted
    left join in_table
        on accepted.submission_id = in_table.submission_id
    where in_table.submission_id is null

),

-- the enterprise-months of absent files: every accepted row of them is ranked
absent_keys as (

    select distinct enterprise_months.credit_code, enterprise_months.period_code
    from enterprise_months
    inner join absent
        on enterprise_months.submission_id = absent.submission_id

),

-- the rows checked, in one pass over the accepted rows: those of the latest ingestion (among them
-- the latest per enterprise-month), and every row of an absent file's enterprise-month
candidate_rows as not materialized (

    select
        enterprise_months.credit_code,
        enterprise_months.period_code,
        enterprise_months.submission_id,
        enterprise_months.row_no,
        enterprise_months.loaded_at

    from enterprise_months
    cross join latest_load
    inner join accepted
        on enterprise_months.submission_id = accepted.submission_id
    left join absent_keys
        on enterprise_months.credit_code = absent_keys.credit_code
        and enterprise_months.period_code = absent_keys.period_code
    where enterprise_months.loaded_at >= latest_load.loaded_at
        or absent_keys.credit_code is not null

),

-- Only the enterprise-months with more than one candidate row need ranking; those with one
-- (after a full build, nearly all) expect that row.
repeated_keys as (

    select credit_code, period_code
    from candidate_rows
    group by credit_code, period_code
    having count(*) > 1

),

ranked as (

    select
        credit_code,
        period_code,
        submission_id,
        row_no,
        row_number() over (
            partition by credit_code, period_code
            order by
                loaded_at desc nulls last,
                {{ sort_text('submission_id') }} desc nulls last,
                row_no desc nulls last
        ) as recency_rank

    from candidate_rows
    where exists (
        select 1
        from repeated_keys
        where repeated_keys.credit_code = candidate_rows.credit_code
            and repeated_keys.period_code = candidate_rows.period_code
    )

),

expected as not materialized (

    select credit_code, period_code, submission_id, row_no
    from candidate_rows
    where not exists (
        select 1
        from repeated_keys
        where repeated_keys.credit_code = candidate_rows.credit_code
            and repeated_keys.period_code = candidate_rows.period_code
    )

    union all

    select credit_code, period_code, submission_id, row_no
    from ranked
    where recency_rank = 1

),

-- one expected row per checked enterprise-month, beside what the table holds for it: a missing row,
-- another row, or two rows (the table's key is tested for uniqueness on its own) all show as a difference.
-- (One left join: credit_code, period_code, submission_id and row_no are never null.)
compared as (

    select
        expected.credit_code,
        expected.period_code,
        expected.submission_id,
        expected.row_no,
        fct.submission_id as table_submission_id,
        fct.row_no as table_row_no

    from expected
    left join {{ ref('fct_enterprise_month') }} as fct
        on fct.credit_code = expected.credit_code
        and fct.period_code = expected.period_code

)

select
    case when table_submission_id is null then 'expected, not in the table'
        else 'the table holds another row' end as problem,
    *
from compared
where table_submission_id is distinct from submission_id
    or table_row_no is distinct from row_no
