-- scope_vacuum_defer.sql: no vacuum in the checkpoint that publishes an incremental derive
-- (etl/derive.py decides when): DuckDB would rewrite the row groups its deletes thinned.
-- The rows stay as they are; only deleted rows keep their space until a later checkpoint's
-- vacuum. Set on the connection that checkpoints; it is closed right after publishing.
-- params: none
set max_vacuum_tasks = 0;
