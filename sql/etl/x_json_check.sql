-- x_json_check.sql: one row per candidate JSON text of a saved X API file (the whole file, or
-- each non-blank line of an NDJSON file): whether it is valid JSON and, if so, its JSON type.
-- Runs on a private in-memory connection before the database is touched.
-- params: none (reads x_texts_frame: number, body)
select
    number,
    json_valid(body) as valid,
    case when json_valid(body) then json_type(body::json) end as kind
from x_texts_frame
order by number
