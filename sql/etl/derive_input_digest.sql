-- derive_input_digest.sql: one row: a digest of every row of one input table of derive (the
-- stored configuration and event calendar), so derive can tell whether it changed since the
-- last derive (then every derived row is recomputed, e.g. business minutes after a schedule
-- change). params: $table (text: the table's name)
select
    count(*) as rows,
    md5(coalesce(string_agg(t::varchar, chr(30) order by t::varchar), '')) as digest
from query_table($table) as t
