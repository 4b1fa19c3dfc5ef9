{{
    config(
        materialized='incremental',
        unique_key='credit_code',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- Enterprises as a type 2 slowly changing dimension, derived from the data alone
-- (a rebuild gives the same rows): a new version starts at every reported month
-- whose park_name, area_code or cluster_code differs from the enterprise's previous
-- reported month (null-safe). A month without a report does not end a version.
--   valid_from: first day of the version's first month
--   valid_to:   the day before the next version's valid_from (so that the versions of an
--               enterprise cover time without gaps); null for the current version
--   enterprise_name: as reported in the version's latest month
--   loaded_at: the latest loaded_at of the version's months (the model's watermark)
--
-- Incremental (docs/enterprise_feed.md): the new rows are those of fct_enterprise_month
-- loaded after the latest loaded_at in this table (">", as in fct_mu_efficiency).
-- An enterprise whose new months all come after its current version's last month
-- (the normal monthly case) is continued from its current version alone: that
-- version stands in as one row (its last month, carrying its valid_from,
-- first_period_code, months_reported and loaded_at) before the new months, and the
-- same islands rule extends it or closes it and adds versions; its closed versions are
-- copied unchanged. When all its new months are in the current version's park and
-- cluster, the current version is extended directly (the same result, without sorting).
-- Any other enterprise with new rows (a back-filled or corrected older month) is
-- recomputed from its full history. An enterprise not yet in the table
-- has no earlier rows, so its new rows are its history. delete+insert on credit_code.
{# fct_enterprise_month is read by name where it is needed, not through one CTE referenced
    twice, which DuckDB would materialise whole. -#}
with

{% if is_incremental() %}
new_months as (

    select
        enterprise_months.credit_code,
        enterprise_months.month_start,
        enterprise_months.period_code,
        enterprise_months.enterprise_name,
        enterprise_months.park_name,
        enterprise_months.area_code,
        enterprise_months.cluster_code,
        enterprise_months.loaded_at

    from {{ ref('fct_enterprise_month') }} as enterprise_months
    where {{ loaded_since('enterprise_months.loaded_at', this) }}

),

current_versions as (

    select
        *,
        cast(
            substr(last_period_code, 1, 4) || '-' || substr(last_period_code, 6, 2) || '-01'
        as date) as last_month_start

    from {{ this }}
    where is_current

),

touched as (

    select
        new_months.credit_code,
        -- true: continued from the current version; false: recomputed from full history
        min(new_months.month_start) > max(current_versions.last_month_start)
            or max(current_versions.last_month_start) is null as continues_current

    from new_months
    left join current_versions
        on new_months.credit_code = current_versions.credit_code
    group by new_months.credit_code

),

-- the new months of each enterprise by park and cluster
new_combinations as (

    select
        credit_code,
        park_name,
        area_code,
        cluster_code,
        count(*) as months_reported,
        {{ arg_max('enterprise_name', 'month_start') }} as enterprise_name,
        {{ arg_max('period_code', 'month_start') }} as last_period_code,
        max(loaded_at) as loaded_at

    from new_months
    group by credit_code, park_name, area_code, cluster_code

),

-- enterprises whose new months all have one park, area and cluster
uniform_new_months as (

    select credit_code
    from new_combinations
    group by credit_code
    having count(*) = 1

),

-- continued enterprises whose new months are all in the current version's park and cluster
-- (nearly every enterprise, every month): the islands rule would extend the current version, so
-- it is extended here directly (national scale: the islands rule over ~1 million rows took 1.7 s)
extended as (

    select
        current_versions.credit_code,
        current_versions.version,
        new_combinations.enterprise_name,
        current_versions.park_name,
        current_versions.area_code,
        current_versions.cluster_code,
        current_versions.valid_from,
        cast(null as date) as valid_to,
        true as is_current,
        current_versions.first_period_code,
        new_combinations.last_period_code,
        current_versions.months_reported + new_combinations.months_reported as months_reported,
        greatest(current_versions.loaded_at, new_combinations.loaded_at) as loaded_at

    from current_versions
    inner join touched
        on current_versions.credit_code = touched.credit_code
        and touched.continues_current
    inner join uniform_new_months
        on current_versions.credit_code = uniform_new_months.credit_code
    inner join new_combinations
        on current_versions.credit_code = new_combinations.credit_code
    where new_combinations.park_name is not distinct from current_versions.park_name
        and new_combinations.area_code is not distinct from current_versions.area_code
        and new_combinations.cluster_code is not distinct from current_versions.cluster_code

),

-- the rows the islands rule runs over: month rows, plus one row per continued current version
version_input as (

    select
        current_versions.credit_code,
        current_versions.last_month_start as month_start,
        current_versions.last_period_code as period_code,
        current_versions.enterprise_name,
        current_versions.park_name,
        current_versions.area_code,
        current_versions.cluster_code,
        current_versions.version - 1 as versions_before,
        current_versions.valid_from as carried_valid_from,
        current_versions.first_period_code as carried_first_period_code,
        current_versions.months_reported as carried_months,
        current_versions.loaded_at

    from current_versions
    inner join touched
        on current_versions.credit_code = touched.credit_code
        and touched.continues_current
    where not exists (select 1 from extended where extended.credit_code = current_versions.credit_code)

    union all

    select
        new_months.credit_code,
        new_months.month_start,
        new_months.period_code,
        new_months.enterprise_name,
        new_months.park_name,
        new_months.area_code,
        new_months.cluster_code,
        0 as versions_before,
        new_months.month_start as carried_valid_from,
        new_months.period_code as carried_first_period_code,
        1 as carried_months,
        new_months.loaded_at

    from new_months
    inner join touched
        on new_months.credit_code = touched.credit_code
        and touched.continues_current
    where not exists (select 1 from extended where extended.credit_code = new_months.credit_code)

    union all

    select
        enterprise_months.credit_code,
        enterprise_months.month_start,
        enterprise_months.period_code,
        enterprise_months.enterprise_name,
        enterprise_months.park_name,
        enterprise_months.area_code,
        enterprise_months.cluster_code,
        0 as versions_before,
        enterprise_months.month_start as carried_valid_from,
        enterprise_months.period_code as carried_first_period_code,
        1 as carried_months,
        enterprise_months.loaded_at

    from {{ ref('fct_enterprise_month') }} as enterprise_months
    inner join touched
        on enterprise_months.credit_code = touched.credit_code
        and not touched.continues_current

),

-- the closed versions of continued enterprises: unchanged, written back (delete+insert on credit_code)
kept_versions as (

    select
        this_versions.credit_code,
        this_versions.version,
        this_versions.enterprise_name,
        this_versions.park_name,
        this_versions.area_code,
        this_versions.cluster_code,
        this_versions.valid_from,
        this_versions.valid_to,
        this_versions.is_current,
        this_versions.first_period_code,
        this_versions.last_period_code,
        this_versions.months_reported,
        this_versions.loaded_at

    from {{ this }} as this_versions
    inner join touched
        on this_versions.credit_code = touched.credit_code
        and touched.continues_current
    where not this_versions.is_current

),

flagged as (

    select
        *,
        case
            when row_number() over by_month = 1 then 1  -- noqa: PRS
            when lag(park_name) over by_month is distinct from park_name then 1  -- noqa: PRS
            when lag(area_code) over by_month is distinct from area_code then 1
            when lag(cluster_code) over by_month is distinct from cluster_code then 1
            else 0
        end as starts_version

    from version_input
    window by_month as (partition by credit_code order by month_start)

),

numbered as (

    select
        *,
        -- versions_before: the continued version's predecessors (0 without a carried row)
        max(versions_before) over (partition by credit_code) + sum(starts_version) over (
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
        min(carried_valid_from) over (partition by credit_code, version) as first_month_start,
        first_value(carried_first_period_code) over (
            partition by credit_code, version
            order by month_start
            rows between unbounded preceding and unbounded following
        ) as first_period_code,
        sum(carried_months) over (partition by credit_code, version) as months_reported,
        max(loaded_at) over (partition by credit_code, version) as version_loaded_at

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
        months_reported,
        version_loaded_at as loaded_at

    from ranked_within_version
    where latest_rank = 1

),

{% else %}
-- Full build. Nearly every enterprise reports all its months in one park and cluster: then its
-- one group of (park_name, area_code, cluster_code) is its one version (nulls group together, as
-- the islands rule compares them null-safe). Only the enterprises with more than one such group
-- (a move, and perhaps a move back) need the islands rule over their months, with one sort for
-- the change flag and one for the running version number. The name and periods of a version are
-- those of its latest / first month by arg_max / arg_min (month_start is unique per enterprise).
-- (The islands rule over every month sorted all 11.7 million rows of the national benchmark:
-- 12.4 s against ~2 s; docs/benchmarks.md.)
combinations as (

    select
        credit_code,
        park_name,
        area_code,
        cluster_code,
        {{ arg_max('enterprise_name', 'month_start') }} as enterprise_name,
        min(month_start) as valid_from,
        {{ arg_min('period_code', 'month_start') }} as first_period_code,
        {{ arg_max('period_code', 'month_start') }} as last_period_code,
        count(*) as months_reported,
        max(loaded_at) as loaded_at

    from {{ ref('fct_enterprise_month') }}
    group by credit_code, park_name, area_code, cluster_code

),

moved as (

    select credit_code
    from combinations
    group by credit_code
    having count(*) > 1

),

-- The linter's DuckDB grammar lacks named windows (`over by_month`, below): it cannot parse `flagged`, and
-- then sees moved_months as unused.
moved_months as (  -- noqa: ST03

    select
        enterprise_months.credit_code,
        enterprise_months.month_start,
        enterprise_months.period_code,
        enterprise_months.enterprise_name,
        enterprise_months.park_name,
        enterprise_months.area_code,
        enterprise_months.cluster_code,
        enterprise_months.loaded_at

    from {{ ref('fct_enterprise_month') }} as enterprise_months
    inner join moved
        on enterprise_months.credit_code = moved.credit_code

),

flagged as (

    select  -- noqa: LT09
        *,
        case  -- noqa: PRS
            when row_number() over by_month = 1 then 1
            when lag(park_name) over by_month is distinct from park_name then 1  -- noqa: PRS
            when lag(area_code) over by_month is distinct from area_code then 1
            when lag(cluster_code) over by_month is distinct from cluster_code then 1
            else 0
        end as starts_version

    from moved_months
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

versions as (

    select
        credit_code,
        1 as version,
        enterprise_name,
        park_name,
        area_code,
        cluster_code,
        valid_from,
        first_period_code,
        last_period_code,
        months_reported,
        loaded_at

    from combinations
    where not exists (select 1 from moved where moved.credit_code = combinations.credit_code)

    union all

    select
        credit_code,
        cast(version as integer) as version,
        {{ arg_max('enterprise_name', 'month_start') }} as enterprise_name,
        min(park_name) as park_name,
        min(area_code) as area_code,
        min(cluster_code) as cluster_code,
        min(month_start) as valid_from,
        {{ arg_min('period_code', 'month_start') }} as first_period_code,
        {{ arg_max('period_code', 'month_start') }} as last_period_code,
        count(*) as months_reported,
        max(loaded_at) as loaded_at

    from numbered
    group by credit_code, version

),
{% endif %}

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
        cast(months_reported as integer) as months_reported,
        cast(loaded_at as timestamp) as loaded_at

    from with_next

    {% if is_incremental() %}
    union all

    select
        credit_code,
        version,
        enterprise_name,
        park_name,
        area_code,
        cluster_code,
        valid_from,
        valid_to,
        is_current,
        first_period_code,
        last_period_code,
        months_reported,
        loaded_at

    from kept_versions

    union all

    select
        credit_code,
        cast(version as integer) as version,
        enterprise_name,
        park_name,
        area_code,
        cluster_code,
        valid_from,
        valid_to,
        is_current,
        first_period_code,
        last_period_code,
        cast(months_reported as integer) as months_reported,
        cast(loaded_at as timestamp) as loaded_at

    from extended
    {% endif %}

)

select * from final
