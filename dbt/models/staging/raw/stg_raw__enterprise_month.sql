-- Enterprise x month rows of the accepted enterprise files, typed, with year and
-- month. All rows of every file: the latest per enterprise and month is chosen in
-- fct_enterprise_month.
with

source as (

    {{ source_or_empty('raw', 'enterprise_month', [
        'submission_id', 'row_no', 'credit_code', 'enterprise_name', 'park_name', 'area_code',
        'cluster_code', 'period_code', 'month_start', 'output_month_yuan', 'output_ytd_yuan',
        'revenue_yuan', 'profit_yuan', 'tax_yuan', 'energy_tce', 'rd_yuan', 'employees',
        'land_mu', 'loaded_at',
    ]) }}

),

renamed as (

    select
        cast(submission_id as varchar) as submission_id,
        cast(row_no as integer) as row_no,
        cast(credit_code as varchar) as credit_code,
        cast(enterprise_name as varchar) as enterprise_name,
        cast(park_name as varchar) as park_name,
        cast(area_code as varchar) as area_code,
        cast(cluster_code as varchar) as cluster_code,
        cast(period_code as varchar) as period_code,
        cast(month_start as date) as month_start,
        cast(output_month_yuan as double precision) as output_month_yuan,
        cast(output_ytd_yuan as double precision) as output_ytd_yuan,
        cast(revenue_yuan as double precision) as revenue_yuan,
        cast(profit_yuan as double precision) as profit_yuan,
        cast(tax_yuan as double precision) as tax_yuan,
        cast(energy_tce as double precision) as energy_tce,
        cast(rd_yuan as double precision) as rd_yuan,
        cast(employees as integer) as employees,
        cast(land_mu as double precision) as land_mu,
        cast(loaded_at as timestamp) as loaded_at

    from source

),

final as (

    select
        *,
        cast(extract(year from month_start) as integer) as year,
        cast(extract(month from month_start) as integer) as month

    from renamed

)

select * from final
