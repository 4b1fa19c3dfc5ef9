-- 亩均论英雄: one row per enterprise and year, from the months reported in that
-- year (a year still running covers its months so far; nothing is annualised).
-- Flows are summed over the months; land_mu (and the enterprise's attributes) are
-- those of the latest month of the year. Ratios are null when their divisor is null
-- or zero. mu_class: the class with the highest min_tax_per_mu at or below
-- tax_per_mu (seed mu_classes); below every threshold, the lowest class.
-- Sums are exact (macro exact_sum): a rebuild gives the same bits whatever the
-- physical order of fct_enterprise_month (incremental or full refresh).
with

enterprise_months as (

    select * from {{ ref('fct_enterprise_month') }}

),

classes as (

    select * from {{ ref('stg_reference__mu_classes') }}

),

yearly as (

    select
        credit_code,
        year,
        count(*) as months_reported,
        {{ exact_sum('output_month_yuan') }} as output_yuan,
        {{ exact_sum('tax_yuan') }} as tax_yuan,
        {{ exact_sum('revenue_yuan') }} as revenue_yuan,
        {{ exact_sum('profit_yuan') }} as profit_yuan,
        {{ exact_sum('rd_yuan') }} as rd_yuan,
        {{ exact_sum('energy_tce') }} as energy_tce

    from enterprise_months
    group by credit_code, year

),

latest_month as (

    select
        *,
        row_number() over (
            partition by credit_code, year
            order by month_start desc
        ) as recency_rank

    from enterprise_months

),

with_ratios as (

    select
        yearly.*,
        latest_month.period_code as latest_period_code,
        latest_month.enterprise_name,
        latest_month.area_code,
        latest_month.cluster_code,
        latest_month.employees,
        latest_month.land_mu,
        yearly.tax_yuan / nullif(latest_month.land_mu, 0) as tax_per_mu,
        yearly.output_yuan / nullif(latest_month.land_mu, 0) as output_per_mu,
        yearly.energy_tce / nullif(yearly.output_yuan / 10000, 0) as energy_per_10k_yuan,
        yearly.rd_yuan / nullif(yearly.revenue_yuan, 0) as rd_intensity

    from yearly
    inner join latest_month
        on yearly.credit_code = latest_month.credit_code
        and yearly.year = latest_month.year
        and latest_month.recency_rank = 1

),

matching_classes as (

    select
        with_ratios.credit_code,
        with_ratios.year,
        classes.mu_class,
        row_number() over (
            partition by with_ratios.credit_code, with_ratios.year
            order by classes.min_tax_per_mu desc, classes.sort_order asc
        ) as class_rank

    from with_ratios
    inner join classes
        on with_ratios.tax_per_mu >= classes.min_tax_per_mu

),

lowest_class as (

    select mu_class
    from classes
    order by min_tax_per_mu asc, sort_order desc
    limit 1

),

final as (

    select
        with_ratios.credit_code,
        cast(with_ratios.year as integer) as year,
        cast(with_ratios.year as varchar) as period_code,
        cast(with_ratios.months_reported as integer) as months_reported,
        cast(with_ratios.output_yuan as double precision) as output_yuan,
        cast(with_ratios.tax_yuan as double precision) as tax_yuan,
        cast(with_ratios.revenue_yuan as double precision) as revenue_yuan,
        cast(with_ratios.rd_yuan as double precision) as rd_yuan,
        cast(with_ratios.energy_tce as double precision) as energy_tce,
        cast(with_ratios.land_mu as double precision) as land_mu,
        cast(with_ratios.tax_per_mu as double precision) as tax_per_mu,
        cast(with_ratios.output_per_mu as double precision) as output_per_mu,
        cast(with_ratios.energy_per_10k_yuan as double precision) as energy_per_10k_yuan,
        cast(with_ratios.rd_intensity as double precision) as rd_intensity,
        with_ratios.tax_per_mu >= {{ var('mu_tax_floor_yuan') }} as meets_tax_floor,
        cast(
            case
                when with_ratios.tax_per_mu is null then null
                else coalesce(matching_classes.mu_class, (select mu_class from lowest_class))
            end
        as varchar) as mu_class,
        cast(with_ratios.profit_yuan as double precision) as profit_yuan,
        with_ratios.employees,
        with_ratios.enterprise_name,
        with_ratios.area_code,
        with_ratios.cluster_code,
        with_ratios.latest_period_code

    from with_ratios
    left join matching_classes
        on with_ratios.credit_code = matching_classes.credit_code
        and with_ratios.year = matching_classes.year
        and matching_classes.class_rank = 1

)

select * from final
