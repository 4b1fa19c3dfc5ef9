{{
    config(
        materialized='incremental',
        unique_key=['credit_code', 'year'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- 亩均论英雄: one row per enterprise and year, from the months reported in that
-- year (a year still running covers its months so far; nothing is annualised).
-- Flows are summed over the months; land_mu (and the enterprise's attributes) are
-- those of the latest month of the year. Ratios are null when their divisor is null
-- or zero. mu_class: the class with the highest min_tax_per_mu at or below
-- tax_per_mu (seed mu_classes); below every threshold, the lowest class.
-- Sums are exact (macro exact_sum): a rebuild gives the same bits whatever the
-- physical order of fct_enterprise_month (incremental or full refresh).
-- loaded_at: the latest loaded_at of the year's months (the model's watermark).
--
-- Incremental (docs/enterprise_feed.md): an enterprise-year depends only on that
-- enterprise's months of that year, so a run recomputes, in full from
-- fct_enterprise_month, every enterprise-year that has a month loaded after the
-- latest loaded_at already in this table (rows of fct_enterprise_month are replaced,
-- never deleted, so an enterprise-year never disappears), plus every enterprise-year
-- whose stored class or floor flag no longer matches the current thresholds of
-- mu_classes (users may change them); delete+insert on credit_code + year.
-- ">" and not ">=": every file of one ingestion run carries the same loaded_at,
-- later than every earlier run's, and the run lands them before dbt starts.
-- An empty table reads everything.
{#- the months aggregated: every month (full build), or those of the touched enterprise-years.
    The latest month's attributes are joined from that month (month_start is unique per
    enterprise) rather than taken by arg_max in the same aggregation: six arg_max states beside
    six numeric(38, 6) sums outgrew the memory limit and spilled (national benchmark, 1GB:
    12.4 s against 3.2 s with the join). -#}
{%- set months = 'source_months' if is_incremental() else ref('fct_enterprise_month') %}
with

classes as (

    select * from {{ ref('stg_reference__mu_classes') }}

),

lowest_class as (

    select mu_class
    from classes
    order by min_tax_per_mu asc, sort_order desc
    limit 1

),

-- one range per distinct threshold: [min_tax_per_mu, next threshold); on a tie, the first class
-- by sort_order. tax_per_mu falls in at most one range (below them all: lowest_class).
class_ranges as (

    select
        mu_class,
        min_tax_per_mu,
        lead(min_tax_per_mu) over (order by min_tax_per_mu) as next_min_tax_per_mu

    from (
        select
            mu_class,
            min_tax_per_mu,
            row_number() over (partition by min_tax_per_mu order by sort_order asc) as tie_rank
        from classes
        where min_tax_per_mu is not null
    ) as ranked_classes
    where tie_rank = 1

),

{% if is_incremental() %}
-- enterprise-years with a month loaded since the last run
loaded_years as (

    select distinct enterprise_months.credit_code, enterprise_months.year
    from {{ ref('fct_enterprise_month') }} as enterprise_months
    where {{ loaded_since('enterprise_months.loaded_at', this) }}

),

-- enterprise-years classified under thresholds that have changed since
reclassified_years as (

    select stored.credit_code, stored.year
    from {{ this }} as stored
    left join class_ranges
        on stored.tax_per_mu >= class_ranges.min_tax_per_mu
        and (class_ranges.next_min_tax_per_mu is null or stored.tax_per_mu < class_ranges.next_min_tax_per_mu)
    where stored.mu_class is distinct from (
            case
                when stored.tax_per_mu is null then null
                else coalesce(class_ranges.mu_class, (select lowest_class.mu_class from lowest_class))
            end
        )
        or stored.meets_tax_floor is distinct from (stored.tax_per_mu >= {{ var('mu_tax_floor_yuan') }})

),

touched_years as (

    select credit_code, year from loaded_years
    union
    select credit_code, year from reclassified_years

),

source_months as (

    select enterprise_months.*
    from {{ ref('fct_enterprise_month') }} as enterprise_months
    inner join touched_years
        on enterprise_months.credit_code = touched_years.credit_code
        and enterprise_months.year = touched_years.year

),
{% endif %}

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
        {{ exact_sum('energy_tce') }} as energy_tce,
        max(loaded_at) as loaded_at,
        max(month_start) as latest_month_start

    from {{ months }}
    group by credit_code, year

),

-- the year's latest month
with_latest as (

    select
        yearly.*,
        latest_months.period_code as latest_period_code,
        latest_months.enterprise_name,
        latest_months.area_code,
        latest_months.cluster_code,
        latest_months.employees,
        latest_months.land_mu

    from yearly
    inner join {{ months }} as latest_months
        on yearly.credit_code = latest_months.credit_code
        and yearly.latest_month_start = latest_months.month_start

),

with_ratios as (

    select
        *,
        tax_yuan / nullif(land_mu, 0) as tax_per_mu,
        output_yuan / nullif(land_mu, 0) as output_per_mu,
        energy_tce / nullif(output_yuan / 10000, 0) as energy_per_10k_yuan,
        rd_yuan / nullif(revenue_yuan, 0) as rd_intensity

    from with_latest

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
                else coalesce(class_ranges.mu_class, (select lowest_class.mu_class from lowest_class))
            end
        as varchar) as mu_class,
        cast(with_ratios.profit_yuan as double precision) as profit_yuan,
        with_ratios.employees,
        with_ratios.enterprise_name,
        with_ratios.area_code,
        with_ratios.cluster_code,
        with_ratios.latest_period_code,
        cast(with_ratios.loaded_at as timestamp) as loaded_at

    from with_ratios
    left join class_ranges
        on with_ratios.tax_per_mu >= class_ranges.min_tax_per_mu
        and (
            class_ranges.next_min_tax_per_mu is null
            or with_ratios.tax_per_mu < class_ranges.next_min_tax_per_mu
        )

)

select * from final
