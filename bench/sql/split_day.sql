-- split_day.sql: one row per record created at or after the cut, in file order, with the
-- file's columns. params: none
select * exclude (rn, before_cut)
from rows
where not before_cut
order by rn
