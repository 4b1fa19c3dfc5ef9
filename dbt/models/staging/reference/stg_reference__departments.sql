with

source as (

    select * from {{ source('reference', 'departments') }}

),

renamed as (

    select
        cast(department_code as varchar) as department_code,
        cast(name_zh as varchar) as name_zh,
        cast(name_en as varchar) as name_en,
        cast(full_name_zh as varchar) as full_name_zh,
        -- the area a department reports for by default (its "home" area)
        cast(area_code as varchar) as area_code,
        cast(aliases as varchar) as aliases

    from source

)

select * from renamed
