-- config_digest.sql: one row: the digest of the configuration and event calendar files (and the
-- code that stores them) as last stored in the config_* and events tables (etl/derive.py),
-- NULL when none is recorded. params: none
select max(value) as digest
from meta
where key = 'config_digest'
