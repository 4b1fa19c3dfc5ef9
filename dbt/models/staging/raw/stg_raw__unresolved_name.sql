with

source as (

    select * from {{ source('raw', 'unresolved_name') }}

),

renamed as (

    select
        cast(submission_id as varchar) as submission_id,
        cast(name_no as integer) as name_no,
        cast(name_kind as varchar) as name_kind,
        cast(name_as_written as varchar) as name_as_written,
        cast(source_sheet as varchar) as source_sheet,
        cast(source_row as integer) as source_row,
        cast(source_cell as varchar) as source_cell,
        cast(unit_text as varchar) as unit_text,
        cast(proposal_kind as varchar) as proposal_kind,
        cast(proposed_code as varchar) as proposed_code,
        cast(proposed_form_code as varchar) as proposed_form_code,
        cast(proposed_base_unit as varchar) as proposed_base_unit,
        cast(loaded_at as timestamp) as loaded_at

    from source

)

select * from renamed
