-- scope_touched_ids.sql: the ids of the touched messages (temp table scope_touched, see
-- scope_context.sql) as table derive_scope.touched_ids, which another connection can read
-- (scope_merge_replies.sql, scope_merge_events.sql); made after the derive steps ran in
-- derive_scope, so that they never see it. params: none
create table derive_scope.touched_ids as
select message_id from scope_touched;
