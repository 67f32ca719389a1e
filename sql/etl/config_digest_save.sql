-- config_digest_save.sql: record in meta the digest of the configuration just stored
-- (etl/derive.py). params: $digest (text)
insert or replace into meta (key, value) values ('config_digest', $digest);
