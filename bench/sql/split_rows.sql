-- split_rows.sql: one row per record of the generated twcs file, in file order (rn), with
-- whether it was created before the cut. params: $path (text), $fmt (strptime format),
-- $cut (timestamptz)
create table rows as
select
    row_number() over () as rn,
    *,
    strptime(created_at, $fmt) < $cut as before_cut
from read_csv($path, header = true, all_varchar = true, parallel = false);
