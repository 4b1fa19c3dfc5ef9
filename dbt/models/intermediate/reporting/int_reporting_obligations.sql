-- Every report the calendar says a department owes: one row per calendar line and
-- period of its kind, from the earliest period the warehouse holds (a department
-- report's period or an enterprise month) to the periods begun by the as-of date,
-- with the date it is due.
with

calendar as (

    select * from {{ ref('stg_reference__reporting_calendar') }}

),

clock as (

    select * from {{ ref('stg_reference__reporting_clock') }}

),

department_periods as (

    select periods.start_date

    from {{ ref('int_submission_status') }} as submissions
    inner join {{ ref('stg_raw__period') }} as periods
        on submissions.period_code = periods.period_code

),

enterprise_months as (

    select month_start as start_date

    from {{ ref('stg_raw__enterprise_month') }}

),

earliest as (

    select min(start_date) as start_date

    from (
        select start_date from department_periods
        union all
        select start_date from enterprise_months
    ) as held_periods

),

-- every calendar period of the kinds the calendar knows, for the years in question
years as (

    select cast(years.year as integer) as year

    from generate_series(2000, 2099) as years (year)
    cross join earliest
    cross join clock
    where years.year between extract(year from earliest.start_date) and extract(year from clock.as_of_date)

),

months as (

    select cast(months.month as integer) as month

    from generate_series(1, 12) as months (month)

),

periods as (

    select
        'year' as period_kind,
        cast(year as varchar) as period_code,
        make_date(year, 1, 1) as start_date,
        make_date(year, 12, 1) as last_month_start

    from years

    union all

    select
        'half_year' as period_kind,
        cast(year as varchar) || 'H1' as period_code,
        make_date(year, 1, 1) as start_date,
        make_date(year, 6, 1) as last_month_start

    from years

    union all

    select
        'quarter' as period_kind,
        cast(years.year as varchar) || 'Q' || cast(cast((months.month + 2) / 3 as integer) as varchar) as period_code,
        make_date(years.year, months.month, 1) as start_date,
        make_date(years.year, months.month + 2, 1) as last_month_start

    from years
    cross join months
    where months.month in (1, 4, 7, 10)

    union all

    select
        'month' as period_kind,
        {{ month_period_code('years.year', 'months.month') }} as period_code,
        make_date(years.year, months.month, 1) as start_date,
        make_date(years.year, months.month, 1) as last_month_start

    from years
    cross join months

),

obligations as (

    select
        calendar.department_code,
        calendar.report_kind,
        calendar.report_name_zh,
        calendar.report_name_en,
        calendar.feed,
        periods.period_code,
        periods.start_date,
        -- the first day of the month the report is due in
        {{ add_months('periods.last_month_start', 'calendar.due_months_after') }} as due_month_start,
        calendar.due_day

    from calendar
    inner join periods
        on calendar.period_kind = periods.period_kind
    cross join earliest
    cross join clock
    where periods.start_date >= earliest.start_date
        and periods.start_date <= clock.as_of_date

),

final as (

    select
        department_code,
        report_kind,
        report_name_zh,
        report_name_en,
        feed,
        period_code,
        start_date,
        -- a due day past the month's end (31 in June) means its last day
        least(
            cast(due_month_start + (due_day - 1) as date),
            {{ last_day_of_month('due_month_start') }}
        ) as due_date

    from obligations

)

select * from final
