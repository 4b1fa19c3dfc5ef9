with

source as (

    select * from {{ source('reference', 'reporting_calendar') }}

),

renamed as (

    select
        cast(department_code as varchar) as department_code,
        cast(report_kind as varchar) as report_kind,
        cast(name_zh as varchar) as report_name_zh,
        cast(name_en as varchar) as report_name_en,
        cast(feed as varchar) as feed,
        cast(period_kind as varchar) as period_kind,
        cast(due_months_after as integer) as due_months_after,
        cast(due_day as integer) as due_day

    from source

)

select * from renamed
