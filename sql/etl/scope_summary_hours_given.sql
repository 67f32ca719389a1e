-- scope_summary_hours_given.sql: on the second connection, temp table summary_hours and
-- variable summary_hours_from as scope_summary_hours.sql makes them on the first, from the
-- hours it found ($marks, scope_summary_hour_marks.sql), for the summaries refreshed there.
-- params: $marks (list of whole hours since 1970)
create or replace temp table summary_hours as
select unnest($marks::bigint[]) as hour_mark;

set variable summary_hours_from = (
    select make_timestamptz((min(hour_mark) - 1) * 3600000000) from summary_hours
);
