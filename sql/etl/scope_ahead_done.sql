-- scope_ahead_done.sql: the shared reply flags (scope_ahead_share.sql) removed once the derive
-- steps in the scope have read them: the scope database then holds only the tables merged back.
-- params: none
drop table if exists derive_scope.outbound_flags;
