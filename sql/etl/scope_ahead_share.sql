-- scope_ahead_share.sql: in an incremental derive, the reply flags derive_outbound_flags.sql made
-- on the second connection (a temp table, which only that connection sees) copied into the scope
-- database, where derive_replies.sql and derive_conversations.sql on the first connection find
-- them by the same unqualified name (etl/derive_scope.py, `ahead`). The copy keeps the rowid
-- order their positional joins rely on.
-- -> table derive_scope.outbound_flags (removed by scope_ahead_done.sql).
-- params: none
create table derive_scope.outbound_flags as
select * from temp.main.outbound_flags;

drop table temp.main.outbound_flags;
