-- Values of the current submissions only (the latest accepted submission of
-- each department + period), enriched with period and catalog attributes.
with

indicator_values as (

    select * from {{ ref('stg_raw__indicator_value') }}

),

submissions as (

    select * from {{ ref('int_submission_status') }}

),

periods as (

    select * from {{ ref('stg_raw__period') }}

),

indicators as (

    select * from {{ ref('int_indicators') }}

),

departments as (

    select * from {{ ref('stg_reference__departments') }}

),

current_values as (

    select
        indicator_values.*,
        submissions.sent_date as submission_sent_date,
        submissions.received_at as submission_received_at,
        periods.year,
        periods.start_date,
        periods.end_date,
        periods.granularity,
        periods.is_ytd,
        indicators.measure_type,
        indicators.direction,
        indicator_values.area_code = departments.area_code as is_home_area

    from indicator_values
    inner join submissions
        on indicator_values.submission_id = submissions.submission_id
        and submissions.is_current
    left join periods
        on indicator_values.period_code = periods.period_code
    left join indicators
        on indicator_values.indicator_code = indicators.indicator_code
    left join departments
        on indicator_values.department_code = departments.department_code

)

select * from current_values
