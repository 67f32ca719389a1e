-- scope_checkpoint_restore.sql: DuckDB's default checkpoint threshold again (see
-- scope_checkpoint_defer.sql), for the full derive that follows a declined incremental one: its
-- key UPDATE of every message would otherwise stay in memory until the end of the load.
-- params: none
reset checkpoint_threshold;
