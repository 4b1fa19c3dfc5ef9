-- Cluster output as reported by the departments (fct_cluster_output, e.g. 全区 2023)
-- beside the same cluster, area and period summed from the enterprise feed
-- (fct_cluster_output_enterprise). Only area x period pairs that both sides cover
-- are compared; within such a pair a cluster missing on one side counts as 0 there
-- (match_status says which side has it). relative_difference =
-- (enterprise - reported) / |reported|; exceeds_tolerance when its absolute value is
-- above var('cluster_output_reconciliation_tolerance') (1%), or when one side is 0 and
-- the other is not. A soft Dagster asset check reads this model.
with

reported as (

    select * from {{ ref('fct_cluster_output') }}

),

enterprise as (

    select * from {{ ref('fct_cluster_output_enterprise') }}

),

covered_pairs as (

    select distinct
        reported.area_code,
        reported.period_code

    from reported
    inner join enterprise
        on reported.area_code = enterprise.area_code
        and reported.period_code = enterprise.period_code

),

reported_covered as (

    select reported.*
    from reported
    inner join covered_pairs
        on reported.area_code = covered_pairs.area_code
        and reported.period_code = covered_pairs.period_code

),

enterprise_covered as (

    select enterprise.*
    from enterprise
    inner join covered_pairs
        on enterprise.area_code = covered_pairs.area_code
        and enterprise.period_code = covered_pairs.period_code

),

compared as (

    select
        coalesce(reported_covered.cluster_code, enterprise_covered.cluster_code) as cluster_code,
        coalesce(reported_covered.area_code, enterprise_covered.area_code) as area_code,
        coalesce(reported_covered.period_code, enterprise_covered.period_code) as period_code,
        reported_covered.output_yuan as reported_output_yuan,
        enterprise_covered.output_yuan as enterprise_output_yuan,
        coalesce(enterprise_covered.output_yuan, 0) - coalesce(reported_covered.output_yuan, 0)
            as difference_yuan,
        case
            when reported_covered.cluster_code is null then 'enterprise_only'
            when enterprise_covered.cluster_code is null then 'reported_only'
            else 'both'
        end as match_status,
        reported_covered.department_code,
        reported_covered.submission_id,
        enterprise_covered.n_enterprises

    from reported_covered
    full outer join enterprise_covered
        on reported_covered.cluster_code = enterprise_covered.cluster_code
        and reported_covered.area_code = enterprise_covered.area_code
        and reported_covered.period_code = enterprise_covered.period_code

),

final as (

    select
        cluster_code,
        area_code,
        period_code,
        cast(reported_output_yuan as double precision) as reported_output_yuan,
        cast(enterprise_output_yuan as double precision) as enterprise_output_yuan,
        cast(difference_yuan as double precision) as difference_yuan,
        cast(
            difference_yuan / nullif(abs(coalesce(reported_output_yuan, 0)), 0)
        as double precision) as relative_difference,
        case
            when difference_yuan = 0 then false
            when coalesce(reported_output_yuan, 0) = 0 then true
            else abs(difference_yuan / abs(reported_output_yuan))
                > {{ var('cluster_output_reconciliation_tolerance') }}
        end as exceeds_tolerance,
        cast(match_status as varchar) as match_status,
        department_code,
        submission_id,
        n_enterprises

    from compared

)

select * from final
