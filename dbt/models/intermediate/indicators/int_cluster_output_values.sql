-- One row per cluster x area x period with the reported output (规上工业总产值)
-- and, when reported, its year-on-year growth as written (同比增长).
-- Several current submissions may report the same cluster/area/period (e.g. the
-- district commission and a park): the department whose home area is the area
-- wins, then the most recent submission.
with

current_values as (

    select * from {{ ref('int_indicator_value_current') }}

),

ranked_cluster_values as (

    select
        *,
        row_number() over (
            partition by indicator_code, cluster_code, area_code, period_code
            order by
                coalesce(is_home_area, false) desc,
                submission_sent_date desc nulls last,
                submission_received_at desc nulls last,
                {{ sort_text('submission_id') }} desc nulls last,
                line_no asc nulls last
        ) as preference_rank

    from current_values
    where value_kind = 'actual'
        and cluster_code is not null
        and indicator_code in (
            'above_scale_industrial_output',
            'above_scale_industrial_output_growth'
        )

),

cluster_values as (

    select * from ranked_cluster_values
    where preference_rank = 1

),

output as (

    select * from cluster_values
    where indicator_code = 'above_scale_industrial_output'

),

reported_growth as (

    select * from cluster_values
    where indicator_code = 'above_scale_industrial_output_growth'

),

final as (

    select
        output.cluster_code,
        output.area_code,
        output.period_code,
        output.year,
        output.start_date,
        output.end_date,
        output.value as output_yuan,
        reported_growth.value as reported_yoy_growth,
        output.department_code,
        output.submission_id,
        output.line_no

    from output
    left join reported_growth
        on output.cluster_code = reported_growth.cluster_code
        and output.area_code = reported_growth.area_code
        and output.period_code = reported_growth.period_code

)

select * from final
