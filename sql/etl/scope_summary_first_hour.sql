-- scope_summary_first_hour.sql: after an incremental derive, the first UTC hour whose rows may
-- have changed in the summaries that depend on earlier hours too (etl/summaries.py
-- FROM_HOUR_MARK): the earliest of summary_hours (scope_summary_hours.sql: the messages placed
-- or re-keyed and the starts of the conversation rows replaced). Not only the messages' hours:
-- a message can make an older one count (a brand DM sent before becomes a conversation's
-- first response once the customer answers it).
-- -> temp table summary_first_hour (hour_mark: whole hours since 1970). params: none
create or replace temp table summary_first_hour as
select min(hour_mark) as hour_mark
from summary_hours;
