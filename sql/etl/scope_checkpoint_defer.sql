-- scope_checkpoint_defer.sql: no automatic checkpoint during an incremental derive (etl/derive.py,
-- DEFERRED_CHECKPOINT): DuckDB checkpoints by itself when its write-ahead log passes
-- checkpoint_threshold (16 MiB by default), which a one-day load's merge does, and publishing
-- checkpoints again; with this the one before publishing writes everything once.
-- A setting of the whole DuckDB instance (both connections); scope_checkpoint_restore.sql
-- restores it when the derive falls back to a full one.
-- params: none
set checkpoint_threshold = '1TB';
