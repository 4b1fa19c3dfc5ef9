-- Enterprises as a type 2 slowly changing dimension, derived from the data alone
-- (a rebuild gives the same rows): a new version starts at every reported month
-- whose park_name, area_code or cluster_code differs from the enterprise's previous
-- reported month (null-safe). A month without a report does not end a version.
--   valid_from: first day of the version's first month
--   valid_to:   the day before the next version's valid_from (so that the versions of an
--               enterprise cover time without gaps); null for the current version
--   enterprise_name: as reported in the version's latest month
with

enterprise_months as (

    select * from {{ ref('fct_enterprise_month') }}

),

flagged as (

    select
        credit_code,
        period_code,
        month_start,
        enterprise_name,
        park_name,
        area_code,
        cluster_code,
        case
            when row_number() over by_month = 1 then 1
            when lag(park_name) over by_month is distinct from park_name then 1
            when lag(area_code) over by_month is distinct from area_code then 1
            when lag(cluster_code) over by_month is distinct from cluster_code then 1
            else 0
        end as starts_version

    from enterprise_months
    window by_month as (partition by credit_code order by month_start)

),

numbered as (

    select
        *,
        sum(starts_version) over (
            partition by credit_code
            order by month_start
            rows between unbounded preceding and current row
        ) as version

    from flagged

),

ranked_within_version as (

    select
        *,
        row_number() over (
            partition by credit_code, version
            order by month_start desc
        ) as latest_rank,
        min(month_start) over (partition by credit_code, version) as first_month_start,
        first_value(period_code) over (
            partition by credit_code, version
            order by month_start
            rows between unbounded preceding and unbounded following
        ) as first_period_code,
        count(*) over (partition by credit_code, version) as months_reported

    from numbered

),

versions as (

    select
        credit_code,
        cast(version as integer) as version,
        enterprise_name,
        park_name,
        area_code,
        cluster_code,
        first_month_start as valid_from,
        first_period_code,
        period_code as last_period_code,
        months_reported

    from ranked_within_version
    where latest_rank = 1

),

with_next as (

    select
        *,
        lead(valid_from) over (partition by credit_code order by version) as next_valid_from

    from versions

),

final as (

    select
        credit_code,
        version,
        enterprise_name,
        park_name,
        area_code,
        cluster_code,
        cast(valid_from as date) as valid_from,
        cast(next_valid_from - interval '1 day' as date) as valid_to,
        next_valid_from is null as is_current,
        first_period_code,
        last_period_code,
        cast(months_reported as integer) as months_reported

    from with_next

)

select * from final
