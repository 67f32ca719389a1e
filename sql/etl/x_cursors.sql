-- x_cursors.sql: one row per incremental X API stream of a brand, with the newest id stored.
-- Streams are named '<kind>:<handle>' ('mentions:AcmeCare', 'dm_events:AcmeCare') or
-- 'conversation:<handle>:<conversation id>'; the handle is matched case-insensitively.
-- params: $handle (text)
select stream, newest_id
from api_cursors
where lower(split_part(stream, ':', 2)) = lower($handle::varchar)
order by stream
