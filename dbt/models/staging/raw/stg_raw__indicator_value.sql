with

source as (

    select * from {{ source('raw', 'indicator_value') }}

),

renamed as (

    select
        cast(submission_id as varchar) as submission_id,
        cast(line_no as integer) as line_no,
        cast(department_code as varchar) as department_code,
        cast(area_code as varchar) as area_code,
        cast(cluster_code as varchar) as cluster_code,
        cast(indicator_code as varchar) as indicator_code,
        cast(period_code as varchar) as period_code,
        cast(value_kind as varchar) as value_kind,
        cast(target_strength as varchar) as target_strength,
        cast(comparator as varchar) as comparator,
        cast(value as double precision) as value,
        cast(value_upper as double precision) as value_upper,
        cast(base_unit as varchar) as base_unit,
        cast(display_value as double precision) as display_value,
        cast(display_unit_zh as varchar) as display_unit_zh,
        cast(base_period_code as varchar) as base_period_code,
        cast(raw_text as varchar) as raw_text,
        cast(explanation as varchar) as explanation,
        cast(quality_flag as varchar) as quality_flag,
        cast(source_file as varchar) as source_file,
        cast(source_sha256 as varchar) as source_sha256,
        cast(source_sheet as varchar) as source_sheet,
        cast(source_row as integer) as source_row,
        cast(source_cell as varchar) as source_cell,
        cast(loaded_at as timestamp) as loaded_at

    from source

)

select * from renamed
