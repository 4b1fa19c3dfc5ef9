-- Cluster output from the enterprise feed: cluster x area x period.
-- Areas: each Dazu park (areas of type park under dazu_district) for the enterprises
-- whose area_code is that park, and dazu_district for all of them together
-- (enterprises outside the parks, or with an unresolved park, count nowhere).
-- Periods, per cluster, area and year:
--   * every month reported: the month alone (2024M06), output of the month;
--   * every month m whose months 1..m are all present for the cluster and area: the
--     January-to-m range under the warehouse's code (2024YTD02, 2024Q1, 2024H1,
--     2024YTD09, 2024; January is 2024M01 either way), output = the sum of the
--     enterprises' reported year-to-date output (工业总产值累计) of month m.
-- share_of_area_total: of the sum over all clusters of the same area and period;
-- yoy_growth: against the same cluster, area and period one year earlier.
-- Sums are exact (macro exact_sum): the result does not depend on the physical order
-- of fct_enterprise_month (incremental or full refresh).
with

enterprise_months as (

    select * from {{ ref('fct_enterprise_month') }}

),

areas as (

    select * from {{ ref('stg_reference__areas') }}

),

dazu_parks as (

    select area_code
    from areas
    where area_type = 'park'
        and parent_area_code = 'dazu_district'

),

park_rows as (

    select
        enterprise_months.cluster_code,
        enterprise_months.area_code,
        enterprise_months.year,
        enterprise_months.month,
        enterprise_months.credit_code,
        enterprise_months.output_month_yuan,
        enterprise_months.output_ytd_yuan

    from enterprise_months
    inner join dazu_parks
        on enterprise_months.area_code = dazu_parks.area_code

),

area_rows as (

    select * from park_rows

    union all

    select
        cluster_code,
        cast('dazu_district' as varchar) as area_code,
        year,
        month,
        credit_code,
        output_month_yuan,
        output_ytd_yuan

    from park_rows

),

monthly as (

    select
        cluster_code,
        area_code,
        year,
        month,
        {{ exact_sum('output_month_yuan') }} as output_month_yuan,
        {{ exact_sum('output_ytd_yuan') }} as output_ytd_yuan,
        count(*) as n_enterprises

    from area_rows
    group by cluster_code, area_code, year, month

),

with_running as (

    select
        *,
        -- months present from January to this month, and their summed monthly output
        count(*) over (
            partition by cluster_code, area_code, year
            order by month
            rows between unbounded preceding and current row
        ) as months_present,
        {{ exact_sum('output_month_yuan', '
            partition by cluster_code, area_code, year
            order by month
            rows between unbounded preceding and current row
        ') }} as output_month_running_yuan

    from monthly

),

month_periods as (

    select
        cluster_code,
        area_code,
        {{ month_period_code('year', 'month') }} as period_code,
        year,
        month as end_month,
        output_month_yuan as output_yuan,
        output_month_yuan as output_months_sum_yuan,
        n_enterprises

    from with_running

),

ytd_periods as (

    select
        cluster_code,
        area_code,
        {{ ytd_period_code('year', 'month') }} as period_code,
        year,
        month as end_month,
        output_ytd_yuan as output_yuan,
        output_month_running_yuan as output_months_sum_yuan,
        n_enterprises

    from with_running
    where months_present = month
        -- January alone is the month period above
        and month > 1

),

cluster_output as (

    select * from month_periods
    union all
    select * from ytd_periods

),

with_area_total as (

    select
        *,
        {{ exact_sum('output_yuan', 'partition by area_code, period_code') }} as area_total_yuan

    from cluster_output

),

-- the same period one year earlier: codes are the year followed by the range
with_prior_year as (

    select
        current_period.*,
        prior_period.period_code as prior_period_code,
        prior_period.output_yuan as prior_output_yuan

    from with_area_total as current_period
    left join cluster_output as prior_period
        on current_period.cluster_code = prior_period.cluster_code
        and current_period.area_code = prior_period.area_code
        and prior_period.period_code
            = cast(current_period.year - 1 as varchar) || substr(current_period.period_code, 5)

),

final as (

    select
        cast(cluster_code as varchar) as cluster_code,
        cast(area_code as varchar) as area_code,
        cast(period_code as varchar) as period_code,
        cast(output_yuan as double precision) as output_yuan,
        cast(output_yuan / nullif(area_total_yuan, 0) as double precision) as share_of_area_total,
        cast(output_yuan / nullif(prior_output_yuan, 0) - 1 as double precision) as yoy_growth,
        cast(year as integer) as year,
        cast(end_month as integer) as end_month,
        cast(area_total_yuan as double precision) as area_total_yuan,
        cast(prior_period_code as varchar) as prior_period_code,
        cast(prior_output_yuan as double precision) as prior_output_yuan,
        cast(output_months_sum_yuan as double precision) as output_months_sum_yuan,
        cast(n_enterprises as integer) as n_enterprises

    from with_prior_year

)

select * from final
