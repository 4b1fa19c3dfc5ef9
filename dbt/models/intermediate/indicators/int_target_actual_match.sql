-- One row per current target value, with the actual it is judged against and the
-- previous year's full-year actual (baseline).
--
-- Candidate actuals: current 'actual' values of the same area, indicator and
-- cluster (null-safe) in a period of the target's year; for flow indicators only
-- year-to-date periods (starting 1 January) count. The target department's own
-- values are preferred; other departments' values are used only when it has none.
-- Latest = latest end_date, then same department, then year/ytd periods before
-- quarters and single months, then period_code.
with

current_values as (

    select * from {{ ref('int_indicator_value_current') }}

),

targets as (

    select * from current_values
    where value_kind = 'target'

),

actuals as (

    select * from current_values
    where value_kind = 'actual'

),

candidates as (

    select
        targets.submission_id as target_submission_id,
        targets.line_no as target_line_no,
        actuals.submission_id,
        actuals.line_no,
        actuals.department_code,
        actuals.period_code,
        actuals.end_date,
        actuals.granularity,
        actuals.is_ytd,
        actuals.value,
        actuals.submission_sent_date,
        actuals.submission_received_at,
        actuals.department_code = targets.department_code as is_same_department

    from targets
    inner join actuals
        on targets.area_code = actuals.area_code
        and targets.indicator_code = actuals.indicator_code
        and targets.cluster_code is not distinct from actuals.cluster_code
        and targets.year = actuals.year
        and (targets.measure_type = 'level' or actuals.is_ytd)

),

flagged_candidates as (

    select
        *,
        bool_or(is_same_department) over (
            partition by target_submission_id, target_line_no
        ) as has_same_department_candidate

    from candidates

),

preferred_candidates as (

    select *
    from flagged_candidates
    where is_same_department
        or not has_same_department_candidate

),

ranked_candidates as (

    select
        *,
        row_number() over (
            partition by target_submission_id, target_line_no
            order by
                end_date desc nulls last,
                is_same_department desc nulls last,
                is_ytd desc nulls last,
                granularity = 'month' asc nulls last,
                {{ sort_text('period_code') }} asc nulls last,
                submission_sent_date desc nulls last,
                submission_received_at desc nulls last,
                {{ sort_text('submission_id') }} desc nulls last,
                line_no asc nulls last
        ) as recency_rank

    from preferred_candidates

),

latest_actual as (

    select * from ranked_candidates
    where recency_rank = 1

),

baseline_candidates as (

    select
        targets.submission_id as target_submission_id,
        targets.line_no as target_line_no,
        actuals.value,
        actuals.period_code,
        row_number() over (
            partition by targets.submission_id, targets.line_no
            order by
                actuals.department_code = targets.department_code desc nulls last,
                actuals.submission_sent_date desc nulls last,
                actuals.submission_received_at desc nulls last,
                {{ sort_text('actuals.submission_id') }} desc nulls last,
                actuals.line_no asc nulls last
        ) as preference_rank

    from targets
    inner join actuals
        on targets.area_code = actuals.area_code
        and targets.indicator_code = actuals.indicator_code
        and targets.cluster_code is not distinct from actuals.cluster_code
        and actuals.period_code = cast(targets.year - 1 as varchar)

),

baseline as (

    select
        target_submission_id,
        target_line_no,
        value,
        period_code

    from baseline_candidates
    where preference_rank = 1

),

final as (

    select
        targets.submission_id,
        targets.line_no,
        targets.department_code,
        targets.area_code,
        targets.cluster_code,
        targets.indicator_code,
        targets.period_code,
        targets.year,
        targets.value as target_value,
        targets.value_upper as target_value_upper,
        targets.target_strength,
        targets.comparator,
        targets.base_unit,
        targets.measure_type,
        targets.direction,
        latest_actual.value as latest_actual_value,
        latest_actual.period_code as latest_period_code,
        latest_actual.end_date as latest_end_date,
        latest_actual.department_code as latest_actual_department_code,
        latest_actual.submission_id as latest_actual_submission_id,
        baseline.value as baseline_value,
        baseline.period_code as baseline_period_code

    from targets
    left join latest_actual
        on targets.submission_id = latest_actual.target_submission_id
        and targets.line_no = latest_actual.target_line_no
    left join baseline
        on targets.submission_id = baseline.target_submission_id
        and targets.line_no = baseline.target_line_no

)

select * from final
