with

cluster_output as (

    select * from {{ ref('int_cluster_output_values') }}

),

with_area_total as (

    select
        *,
        sum(output_yuan) over (partition by area_code, period_code) as area_total_yuan

    from cluster_output

),

-- the same date range one year earlier (2024H1 -> 2023H1, 2024 -> 2023);
-- a month-end stays a month-end so that 1-2月 of a leap year matches.
with_prior_year as (

    select
        current_period.*,
        prior_period.period_code as prior_period_code,
        prior_period.output_yuan as prior_output_yuan

    from with_area_total as current_period
    left join cluster_output as prior_period
        on current_period.cluster_code = prior_period.cluster_code
        and current_period.area_code = prior_period.area_code
        and prior_period.start_date = {{ add_years('current_period.start_date', -1) }}
        and (
            prior_period.end_date = {{ add_years('current_period.end_date', -1) }}
            or (
                current_period.end_date = {{ last_day_of_month('current_period.end_date') }}
                and prior_period.end_date
                    = {{ last_day_of_month(add_years('current_period.end_date', -1)) }}
            )
        )

),

final as (

    select
        cluster_code,
        area_code,
        period_code,
        cast(output_yuan as double precision) as output_yuan,
        cast(output_yuan / nullif(area_total_yuan, 0) as double precision) as share_of_area_total,
        cast(output_yuan / nullif(prior_output_yuan, 0) - 1 as double precision) as yoy_growth,
        cast(reported_yoy_growth as double precision) as reported_yoy_growth,
        year,
        cast(area_total_yuan as double precision) as area_total_yuan,
        prior_period_code,
        cast(prior_output_yuan as double precision) as prior_output_yuan,
        department_code,
        submission_id,
        line_no

    from with_prior_year

)

select * from final
