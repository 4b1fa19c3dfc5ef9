{{
    config(
        materialized='incremental',
        unique_key=['credit_code', 'period_code'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- One row per enterprise and month: the latest row of the accepted enterprise files
-- (latest loaded_at, then submission_id, then row_no; docs/enterprise_feed.md).
--
-- Incremental: a run reads only the rows loaded after the latest loaded_at already in
-- the table, keeps the latest of them per enterprise and month, and replaces those
-- enterprise-months (delete+insert on credit_code + period_code). Rows loaded later
-- always win over rows already in the table, so the result is the same as a full
-- refresh. ">" is exact: ingestion stamps every file of one run with one loaded_at,
-- always later than every earlier run's (ingest/pipeline.py), and lands them before
-- dbt starts. An empty table (no enterprise data yet) reads everything.
--
-- Only the enterprise-months that more than one of the rows read carries are ranked;
-- the others (nearly all of them on a full build) pass straight through, which spares
-- sorting every row. accepted_rows is read three times and not materialised (a full
-- build would write every raw row to a temporary table first).
with

submissions as (

    select * from {{ ref('stg_raw__enterprise_submission') }}

),

accepted_rows as not materialized (

    select enterprise_months.*

    from {{ ref('stg_raw__enterprise_month') }} as enterprise_months
    inner join submissions
        on enterprise_months.submission_id = submissions.submission_id
        and submissions.ingest_status = 'accepted'
    {% if is_incremental() %}
    where {{ loaded_since('enterprise_months.loaded_at', this) }}
    {% endif %}

),

-- enterprise-months carried by more than one accepted row (credit_code and period_code are
-- never null: raw declares them NOT NULL)
repeated_keys as (

    select
        credit_code,
        period_code
    from accepted_rows
    group by credit_code, period_code
    having count(*) > 1

),

single_rows as (

    select *
    from accepted_rows
    where not exists (
        select 1
        from repeated_keys
        where repeated_keys.credit_code = accepted_rows.credit_code
            and repeated_keys.period_code = accepted_rows.period_code
    )

),

ranked as (

    select
        *,
        row_number() over (
            partition by credit_code, period_code
            order by
                loaded_at desc nulls last,
                {{ sort_text('submission_id') }} desc nulls last,
                row_no desc nulls last
        ) as recency_rank

    from accepted_rows
    where exists (
        select 1
        from repeated_keys
        where repeated_keys.credit_code = accepted_rows.credit_code
            and repeated_keys.period_code = accepted_rows.period_code
    )

),

{%- set columns = [
    'credit_code', 'period_code', 'year', 'month', 'month_start', 'enterprise_name', 'park_name',
    'area_code', 'cluster_code', 'output_month_yuan', 'output_ytd_yuan', 'revenue_yuan', 'profit_yuan',
    'tax_yuan', 'energy_tce', 'rd_yuan', 'employees', 'land_mu', 'submission_id', 'row_no', 'loaded_at',
] %}

final as (

    select
        {%- for column in columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from single_rows

    union all

    select
        {%- for column in columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from ranked
    where recency_rank = 1

)

select * from final
