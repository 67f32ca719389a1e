-- x_documents.sql: the X API v2 responses of one load, set-based (no loop per record in Python).
-- Input: x_pieces_frame (file_no, piece, line, body, problem): one JSON text per response as
-- received (an API page, an NDJSON line, or a whole JSON document), or a problem for a piece that
-- is not JSON. Each JSON text is parsed once (multi-path json_extract) and materialized:
--   x_docs: one row per response (a top-level JSON list is opened into its elements);
--   x_items: one row per element of a response's `data` (or a bare tweet object, as twarc2
--     writes them; or a piece that cannot hold any, with its problem), with the fields that
--     normalize_x.sql maps, in file order;
--   x_users: one row per X user seen (includes.users, user lookups in `data`, embedded `author`
--     objects), the first occurrence wins;
--   x_brand: one row, the brand account as X spells it and its user id (from the users seen,
--     else $brand_user_id, else the handle as given).
-- Also defines json_kind(j): a JSON value's kind in words, for reject reasons.
-- params: $brand (handle), $brand_user_id (text, null when unknown)

create or replace temp macro json_kind(j) as
    case json_type(j)
        when 'OBJECT' then 'object'
        when 'ARRAY' then 'list'
        when 'VARCHAR' then 'string'
        when 'BOOLEAN' then 'boolean'
        when 'NULL' then 'null'
        else 'number'
    end;

create or replace temp table x_docs as
with

pieces as (
    select
        file_no::bigint as file_no,
        piece::bigint as piece,
        line::bigint as line,
        body::varchar as body,
        coalesce(problem::varchar, case when not json_valid(body) then 'not JSON' end) as problem
    from x_pieces_frame
),

typed as materialized (
    select *, case when problem is null then json_type(body) end as doc_type
    from pieces
),

whole as (
    select file_no, piece, 0 as element, line, body as doc, doc_type, problem
    from typed
    where doc_type is distinct from 'ARRAY'
),

listed as (
    select file_no, piece, element, line, doc, json_type(doc) as doc_type, null::varchar as problem
    from (
        select
            file_no,
            piece,
            generate_subscripts(elements, 1) as element,
            line,
            unnest(elements)::varchar as doc
        from (select *, json_extract(body, '$[*]') as elements from typed where doc_type = 'ARRAY')
    )
),

documents as (
    select * from whole
    union all
    select * from listed
),

extracted as materialized (
    select
        *,
        case when doc_type = 'OBJECT' then json_extract(doc, [
            '$.data', '$.includes', '$.meta', '$.errors', '$.id', '$.username', '$.author',
            '$.includes.users'
        ]) end as parts
    from documents
),

final as (
    select
        file_no,
        piece,
        element,
        line,
        case
            when problem is not null then 'problem'
            when doc_type <> 'OBJECT' then 'not an object'
            when parts[1] is null and parts[2] is null and parts[3] is null and parts[4] is null
                and parts[5] is not null then 'bare item'
            else 'response'
        end as shape,
        case
            when problem is not null and line is not null then 'line ' || line || ': ' || problem
            when problem is not null then problem
            when doc_type <> 'OBJECT'
                then 'not an API response object (a JSON ' || json_kind(doc::json) || ')'
        end as problem,
        case when problem is not null or doc_type <> 'OBJECT' then doc end as raw,
        -- only bare objects (no response keys) need their text again: they are the item
        case
            when doc_type = 'OBJECT' and parts[1] is null and parts[2] is null
                and parts[3] is null and parts[4] is null then doc::json
        end as doc,
        parts[1] as data,
        json_type(parts[1]) as data_type,
        parts[8] as users,
        parts[6] is not null as has_username,
        parts[7] as author
    from extracted
)

select * from final;

create or replace temp table x_items as
with

listed as (
    select
        file_no, piece, element, line,
        generate_subscripts(list, 1) as position,
        unnest(list) as item
    from (
        select
            *,
            case data_type
                when 'ARRAY' then json_extract(data, '$[*]')
                when 'OBJECT' then [data]
            end as list
        from x_docs
        where shape = 'response' and data_type in ('ARRAY', 'OBJECT')
    )
),

items as (
    select file_no, piece, element, line, position, item, null::varchar as problem,
        null::varchar as raw
    from listed

    union all

    select file_no, piece, element, line, 0 as position, doc as item, null, null
    from x_docs
    where shape = 'bare item'

    union all

    select file_no, piece, element, line, 0 as position, null::json as item,
        coalesce(problem, '`data` is a JSON ' || json_kind(data) || ', not an object or a list'),
        coalesce(raw, data::varchar)
    from x_docs
    where shape in ('problem', 'not an object')
       or (shape = 'response' and data_type not in ('ARRAY', 'OBJECT', 'NULL'))
),

extracted as materialized (
    select
        *,
        json_type(item) as item_type,
        case when json_type(item) = 'OBJECT' then json_extract(item, [
            '$.id', '$.author_id', '$.sender_id', '$.created_at', '$.text', '$.event_type',
            '$.dm_conversation_id', '$.referenced_tweets', '$.author', '$.username'
        ]) end as f
    from items
),

final as (
    select
        file_no,
        piece,
        element,
        position,
        item_type = 'OBJECT' and f[10] is not null and f[5] is null and f[6] is null
            as is_user,
        coalesce(item_type = 'OBJECT'
                 and (f[6] is not null or f[7] is not null or f[3] is not null), false) as is_dm,
        coalesce(raw, item::varchar) as raw,
        case
            when problem is not null then problem
            when item_type <> 'OBJECT'
                then 'a `data` element is a JSON ' || json_kind(item) || ', not an object'
        end as problem,
        f[1] ->> '$' as id,
        f[2] ->> '$' as author_id,
        f[3] ->> '$' as sender_id,
        f[4] as created_at,
        f[5] as text,
        f[6] ->> '$' as event_type,
        f[7] ->> '$' as dm_conversation_id,
        f[8] as referenced_tweets,
        f[9] as author,
        case when item_type = 'OBJECT' and f[10] is not null then item end as user_object
    from extracted
)

select * from final;

create or replace temp table x_users as
with

included as (
    select file_no, piece, element, 0 as position, unnest(json_extract(users, '$[*]')) as u
    from x_docs
    where json_type(users) = 'ARRAY'
),

candidates as (
    select * from included
    union all
    select file_no, piece, element, position, user_object from x_items where is_user
    union all
    select file_no, piece, element, 0, doc from x_docs where shape = 'bare item' and has_username
    union all
    select file_no, piece, element, position, author from x_items
    where json_type(author) = 'OBJECT'
),

fields as materialized (
    select
        file_no, piece, element, position,
        json_extract(u, ['$.id', '$.username', '$.public_metrics.followers_count']) as f
    from candidates
    where json_type(u) = 'OBJECT'
),

final as (
    select
        f[1] ->> '$' as user_id,
        arg_min(f[2] ->> '$', (file_no, piece, element, position)) as username,
        arg_min(
            case when json_type(f[3]) in ('UBIGINT', 'BIGINT') then (f[3] ->> '$')::bigint end,
            (file_no, piece, element, position)
        ) as followers
    from fields
    where coalesce(f[1] ->> '$', '') <> ''
    group by all
)

select * from final;

create or replace temp table x_brand as
with

by_name as (
    select user_id, username from x_users
    where lower(username) = lower($brand::varchar)
    order by user_id
    limit 1
),

by_id as (
    select user_id, username from x_users where user_id = $brand_user_id::varchar limit 1
)

select
    coalesce((select username from by_name), (select username from by_id), $brand::varchar)
        as handle,
    coalesce((select user_id from by_name), $brand_user_id::varchar) as user_id;
