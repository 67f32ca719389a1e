-- save_x_cursor.sql: upsert one stream's cursor; the newest id only ever moves forward (ids are
-- decimal text compared as numbers), so a backfill with --since never rewinds it.
-- params: $stream, $newest_id (text), $at (timestamptz)
insert into api_cursors (stream, newest_id, updated_at)
values ($stream::varchar, $newest_id::varchar, $at)
on conflict (stream) do update set
    newest_id = case
        when api_cursors.newest_id is null
            or length(excluded.newest_id) > length(api_cursors.newest_id)
            or (length(excluded.newest_id) = length(api_cursors.newest_id)
                and excluded.newest_id > api_cursors.newest_id)
            then excluded.newest_id
        else api_cursors.newest_id
    end,
    updated_at = excluded.updated_at;
