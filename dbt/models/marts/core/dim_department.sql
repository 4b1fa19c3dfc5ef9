with

departments as (

    select * from {{ ref('stg_reference__departments') }}

),

final as (

    select
        department_code,
        name_zh,
        name_en,
        full_name_zh,
        area_code,
        aliases

    from departments

)

select * from final
