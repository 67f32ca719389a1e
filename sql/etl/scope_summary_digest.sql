-- scope_summary_digest.sql: the digest of the SQL of every dashboard summary as it was when its
-- table was last rebuilt (etl/summaries.py): one row per summary with a recorded digest.
-- params: $prefix (text: 'summary_digest:', followed in each key by the step's name)
select key, value as digest
from meta
where starts_with(key, $prefix)
