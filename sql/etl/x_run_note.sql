-- x_run_note.sql: record what a run of the X API pull or x-json load wants the user to know
-- (gaps in the history the API returned, skipped DMs, truncated paging) on its load_runs row.
-- params: $run_id, $note (text or null)
update load_runs
set note = $note::varchar
where run_id = $run_id;
