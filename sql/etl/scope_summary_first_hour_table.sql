-- scope_summary_first_hour_table.sql: temp table summary_first_hour, which a summary refreshed
-- from the first changed hour reads (etl/summaries.py FROM_HOUR_MARK): one row, every_hour
-- false and hour_mark as scope_summary_first_hour.sql found it (NULL: no such row changed).
-- A temp table belongs to its connection: this file makes it on the one that runs the summary.
-- params: $hour_mark (whole hours since 1970, or NULL)
create or replace temp table summary_first_hour as
select false as every_hour, $hour_mark::bigint as hour_mark;
