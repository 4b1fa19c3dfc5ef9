{{ config(severity='error') }}
-- fct_enterprise_month is built incrementally from a loaded_at watermark, which assumes
-- that every file lands with a loaded_at at or after the files already processed
-- (ingestion stamps the current UTC time). This test recomputes, from raw, which row
-- should hold each enterprise and month (what a full refresh would keep) and returns
-- every enterprise-month where the table disagrees. A failure means rows landed with
-- an older loaded_at (clock set back, restored or hand-loaded raw rows): rebuild with
--   dbt build --full-refresh --select fct_enterprise_month+
with

submissions as (

    select * from {{ ref('stg_raw__enterprise_submission') }}

),

ranked as (

    select
        enterprise_months.credit_code,
        enterprise_months.period_code,
        enterprise_months.submission_id,
        enterprise_months.row_no,
        row_number() over (
            partition by enterprise_months.credit_code, enterprise_months.period_code
            order by
                enterprise_months.loaded_at desc nulls last,
                {{ sort_text('enterprise_months.submission_id') }} desc nulls last,
                enterprise_months.row_no desc nulls last
        ) as recency_rank

    from {{ ref('stg_raw__enterprise_month') }} as enterprise_months
    inner join submissions
        on enterprise_months.submission_id = submissions.submission_id
        and submissions.ingest_status = 'accepted'

),

expected as (

    select credit_code, period_code, submission_id, row_no
    from ranked
    where recency_rank = 1

),

actual as (

    select credit_code, period_code, submission_id, row_no
    from {{ ref('fct_enterprise_month') }}

),

missing_or_stale as (

    select 'expected, not in the table' as problem, * from expected
    except
    select 'expected, not in the table' as problem, * from actual

),

unexpected as (

    select 'in the table, not expected' as problem, * from actual
    except
    select 'in the table, not expected' as problem, * from expected

)

select * from missing_or_stale
union all
select * from unexpected
