-- Period semantics come from the Python parser (raw.period); only display names
-- are derived here. The enterprise feed adds the January-to-month ranges and years
-- it aggregates to (int_enterprise_periods, same rules as the parser) where
-- raw.period does not have them; raw.period wins for a code both hold.
with

parsed_periods as (

    select * from {{ ref('stg_raw__period') }}

),

enterprise_periods as (

    select * from {{ ref('int_enterprise_periods') }}

),

periods as (

    select
        period_code,
        year,
        start_date,
        end_date,
        granularity,
        is_ytd

    from parsed_periods

    union all

    select
        enterprise_periods.period_code,
        enterprise_periods.year,
        enterprise_periods.start_date,
        enterprise_periods.end_date,
        enterprise_periods.granularity,
        enterprise_periods.is_ytd

    from enterprise_periods
    where not exists (
        select 1
        from parsed_periods
        where parsed_periods.period_code = enterprise_periods.period_code
    )

),

named as (

    select
        *,
        cast(extract(month from start_date) as integer) as start_month,
        cast(extract(month from end_date) as integer) as end_month,
        cast(extract(quarter from start_date) as integer) as start_quarter,
        cast(year as varchar) as year_text

    from periods

),

final as (

    select
        period_code,
        year,
        start_date,
        end_date,
        granularity,
        is_ytd,
        cast(
            case
                when granularity = 'year' then year_text || '年'
                when granularity = 'half' and start_month = 1 then year_text || '年上半年'
                when granularity = 'half' then year_text || '年下半年'
                when granularity = 'quarter'
                    then year_text || '年第'
                        || case start_quarter
                            when 1 then '一'
                            when 2 then '二'
                            when 3 then '三'
                            when 4 then '四'
                        end
                        || '季度'
                when granularity = 'month'
                    then year_text || '年' || cast(end_month as varchar) || '月'
                when granularity = 'ytd'
                    then year_text || '年1-' || cast(end_month as varchar) || '月'
                else {{ format_date('start_date', '%Y年%-m月%-d日') }}
                    || '至' || {{ format_date('end_date', '%Y年%-m月%-d日') }}
            end
        as varchar) as name_zh,
        cast(
            case
                when granularity = 'year' then year_text
                when granularity = 'half' and start_month = 1 then 'H1 ' || year_text
                when granularity = 'half' then 'H2 ' || year_text
                when granularity = 'quarter'
                    then 'Q' || cast(start_quarter as varchar) || ' ' || year_text
                when granularity = 'month' then {{ format_date('end_date', '%B %Y') }}
                when granularity = 'ytd' then 'January-' || {{ format_date('end_date', '%B %Y') }}
                else {{ format_date('start_date', '%Y-%m-%d') }}
                    || ' to ' || {{ format_date('end_date', '%Y-%m-%d') }}
            end
        as varchar) as name_en,
        cast({{ months_between('start_date', 'end_date') }} + 1 as integer) as n_months

    from named

)

select * from final
