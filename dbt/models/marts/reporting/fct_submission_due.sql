-- The reporting calendar against what arrived: for every report a department owes
-- (int_reporting_obligations), the latest state of its reports for that period.
-- An accepted report counts (on_time or late, judged by the first accepted one's
-- trusted 报出日期, else its arrival day in Chongqing); without one, the latest held
-- or rejected file's state; without any, not_due until the due date has passed,
-- then missing. The enterprise feed is owed month by month: a month counts once an
-- accepted file holds rows for it (its files have no 报出日期: arrival decides).
with

obligations as (

    select * from {{ ref('int_reporting_obligations') }}

),

clock as (

    select * from {{ ref('stg_reference__reporting_clock') }}

),

department_arrivals as (

    select
        cast('department' as varchar) as feed,
        department_code,
        period_code,
        submission_id,
        status,
        received_at,
        case
            when sent_date <= cast(received_at + interval '1 day' as date) then sent_date
            -- received_at is UTC; deadlines are days in Chongqing (UTC+8, no daylight saving)
            else cast(received_at + interval '8 hours' as date)
        end as counted_date

    from {{ ref('int_submission_status') }}
    where department_code is not null
        and period_code is not null

),

enterprise_file_months as (

    select distinct
        submission_id,
        month_start

    from {{ ref('stg_raw__enterprise_month') }}

),

enterprise_arrivals as (

    select
        cast('enterprise' as varchar) as feed,
        cast(null as varchar) as department_code,
        {{ month_period_code(
            'cast(extract(year from enterprise_file_months.month_start) as integer)',
            'cast(extract(month from enterprise_file_months.month_start) as integer)') }} as period_code,
        submissions.submission_id,
        submissions.ingest_status as status,
        submissions.received_at,
        cast(submissions.received_at + interval '8 hours' as date) as counted_date

    from enterprise_file_months
    inner join {{ ref('stg_raw__enterprise_submission') }} as submissions
        on enterprise_file_months.submission_id = submissions.submission_id

),

arrivals as (

    select * from department_arrivals
    union all
    select * from enterprise_arrivals

),

matched as (

    select
        obligations.department_code,
        obligations.report_kind,
        obligations.period_code,
        arrivals.submission_id,
        arrivals.status,
        arrivals.received_at,
        arrivals.status in ('accepted', 'superseded') as is_accepted,
        arrivals.counted_date,
        -- the one that counts: the current accepted report (the latest accepted file of a month of the
        -- enterprise feed), else the latest held or rejected file
        row_number() over (
            partition by obligations.department_code, obligations.report_kind, obligations.period_code
            order by
                case when arrivals.status = 'accepted' then 0 when arrivals.status = 'superseded' then 1 else 2 end,
                arrivals.received_at desc,
                {{ sort_text('arrivals.submission_id') }} desc
        ) as recency_rank

    from obligations
    inner join arrivals
        on obligations.feed = arrivals.feed
        and obligations.period_code = arrivals.period_code
        and (arrivals.feed = 'enterprise' or obligations.department_code = arrivals.department_code)

),

per_obligation as (

    select
        department_code,
        report_kind,
        period_code,
        min(counted_date) filter (where is_accepted) as first_counted_date,
        min(received_at) filter (where is_accepted) as first_accepted_at,
        max(case when recency_rank = 1 then submission_id end) as submission_id,
        max(case when recency_rank = 1 then status end) as latest_status

    from matched
    group by department_code, report_kind, period_code

),

judged as (

    select
        obligations.department_code,
        obligations.period_code,
        obligations.report_kind,
        obligations.due_date,
        case
            when per_obligation.first_counted_date <= obligations.due_date then 'on_time'
            when per_obligation.first_counted_date is not null then 'late'
            when per_obligation.latest_status in ('held', 'rejected') then per_obligation.latest_status
            when obligations.due_date >= clock.as_of_date then 'not_due'
            else 'missing'
        end as status,
        per_obligation.first_accepted_at,
        case
            when per_obligation.first_counted_date is not null
                then greatest(cast(per_obligation.first_counted_date - obligations.due_date as integer), 0)
            when clock.as_of_date > obligations.due_date
                then cast(clock.as_of_date - obligations.due_date as integer)
        end as days_late,
        per_obligation.submission_id,
        obligations.report_name_zh,
        obligations.report_name_en,
        obligations.feed,
        obligations.start_date as period_start_date,
        clock.as_of_date

    from obligations
    cross join clock
    left join per_obligation
        on obligations.department_code = per_obligation.department_code
        and obligations.report_kind = per_obligation.report_kind
        and obligations.period_code = per_obligation.period_code

),

final as (

    select
        cast(department_code as varchar) as department_code,
        cast(period_code as varchar) as period_code,
        cast(report_kind as varchar) as report_kind,
        cast(due_date as date) as due_date,
        cast(status as varchar) as status,
        cast(first_accepted_at as timestamp) as first_accepted_at,
        cast(days_late as integer) as days_late,
        cast(submission_id as varchar) as submission_id,
        cast(report_name_zh as varchar) as report_name_zh,
        cast(report_name_en as varchar) as report_name_en,
        cast(feed as varchar) as feed,
        cast(period_start_date as date) as period_start_date,
        cast(as_of_date as date) as as_of_date

    from judged

)

select * from final
