-- Progress of every current target against the latest actual of its year.
-- 序时进度 (schedule_ratio) counts months: an actual for 1-6月 means 6/12 = 0.5.
with

matched as (

    select * from {{ ref('int_target_actual_match') }}

),

judged as (

    select
        *,
        -- in floating point on both databases (PostgreSQL's extract() returns numeric)
        cast(extract(month from latest_end_date) as double precision) / 12 as schedule_ratio,

        -- met: comparator respected; ranges are judged on their lower bound
        case
            when latest_actual_value is null then null
            when direction = 'down' then latest_actual_value <= target_value
            when comparator = '>' then latest_actual_value > target_value
            else latest_actual_value >= target_value
        end as is_met,

        case
            when latest_actual_value is null then null
            when measure_type = 'level' and direction = 'down' and target_value > 0
                then target_value / nullif(latest_actual_value, 0)
            else latest_actual_value / nullif(target_value, 0)
        end as attainment_ratio

    from matched

),

with_expected as (

    select
        *,
        case
            when latest_actual_value is null then null
            when measure_type = 'flow' then target_value * schedule_ratio
            when baseline_value is not null
                then baseline_value + (target_value - baseline_value) * schedule_ratio
        end as expected_value_at_schedule

    from judged

),

final as (

    select
        submission_id,
        line_no,
        department_code,
        area_code,
        cluster_code,
        indicator_code,
        period_code,
        year,
        target_value,
        target_value_upper,
        target_strength,
        comparator,
        measure_type,
        direction,
        base_unit,
        latest_actual_value,
        latest_period_code,
        latest_actual_department_code,
        latest_actual_submission_id,
        cast(attainment_ratio as double precision) as attainment_ratio,
        cast(schedule_ratio as double precision) as schedule_ratio,
        baseline_value,
        baseline_period_code,
        cast(expected_value_at_schedule as double precision) as expected_value_at_schedule,
        is_met,
        cast(
            case
                when latest_actual_value is null then 'no_data'
                when is_met then 'achieved'
                when measure_type = 'flow' then
                    case
                        when attainment_ratio >= schedule_ratio then 'on_track'
                        else 'behind'
                    end
                when baseline_value is null then 'in_progress'
                when direction = 'down' then
                    case
                        when latest_actual_value <= expected_value_at_schedule then 'on_track'
                        else 'behind'
                    end
                when latest_actual_value >= expected_value_at_schedule then 'on_track'
                else 'behind'
            end
        as varchar) as status

    from with_expected

)

select * from final
