-- scope_summary_digest_save.sql: record the digest of a dashboard summary's SQL, whose table
-- now holds its rows for every hour (etl/summaries.py). params: $key (text), $digest (text)
insert or replace into meta (key, value) values ($key, $digest);
