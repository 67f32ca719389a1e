-- scope_merge_events.sql: the campaign matches (event_matches) of the touched messages written
-- back where they differ from the stored ones, as scope_merge.sql does for conversations (the
-- rest of the scope is context, whose messages keep their matches). Run on the second connection
-- after scope_merge_replies.sql (etl/derive_scope.py), so it reads the touched messages' ids from
-- derive_scope.touched_ids (scope_touched_ids.sql), not the first connection's temp table
-- scope_touched: the same ids. It was the end of scope_merge.sql on the first connection (2.8M
-- next day: ~0.02-0.025 s there). params: none
create or replace temp table scope_rewritten as
select *
from derive_scope.event_matches
where message_id in (select message_id from derive_scope.touched_ids);

create or replace temp table scope_stored as
select *
from event_matches
where message_id in (select message_id from derive_scope.touched_ids);

create or replace temp table scope_changed as
select message_id from (select * from scope_stored except select * from scope_rewritten)
union
select message_id from (select * from scope_rewritten except select * from scope_stored);

delete from event_matches
where message_id in (select message_id from scope_changed);

insert into event_matches by name
select *
from scope_rewritten
where message_id in (select message_id from scope_changed);
