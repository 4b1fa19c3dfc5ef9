-- The periods the enterprise feed produces, by the rules of
-- dagster_project/parsing/periods.py: for every year and month present in the feed,
-- the month itself (2024M06), the January-to-month range (2024M01, 2024YTD02,
-- 2024Q1, 2024YTD04, 2024YTD05, 2024H1, ..., 2024) and the whole year (2024, the
-- period of fct_mu_efficiency). Ingestion does not land the feed's months in raw.period
-- (a new month would rebuild every indicator model that reads it); dim_period adds the
-- periods raw.period lacks.
with

enterprise_months as (

    select distinct
        year,
        month

    from {{ ref('stg_raw__enterprise_month') }}
    where month_start is not null

),

month_periods as (

    select
        {{ month_period_code('year', 'month') }} as period_code,
        year,
        month as first_month,
        month as last_month,
        cast('month' as varchar) as granularity

    from enterprise_months

),

ytd_periods as (

    select
        {{ ytd_period_code('year', 'month') }} as period_code,
        year,
        1 as first_month,
        month as last_month,
        cast({{ ytd_period_granularity('month') }} as varchar) as granularity

    from enterprise_months

),

year_periods as (

    select distinct
        cast(year as varchar) as period_code,
        year,
        1 as first_month,
        12 as last_month,
        cast('year' as varchar) as granularity

    from enterprise_months

),

all_periods as (

    select * from month_periods
    union
    select * from ytd_periods
    union
    select * from year_periods

),

final as (

    select
        cast(period_code as varchar) as period_code,
        cast(year as integer) as year,
        cast(
            cast(year as varchar) || '-' || lpad(cast(first_month as varchar), 2, '0') || '-01'
        as date) as start_date,
        {{ last_day_of_month(
            "cast(cast(year as varchar) || '-' || lpad(cast(last_month as varchar), 2, '0') || '-01' as date)"
        ) }} as end_date,
        granularity,
        first_month = 1 as is_ytd

    from all_periods

)

select * from final
