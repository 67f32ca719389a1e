-- writer_attach.sql: make the private copy of the database (etl/publish.py) the database of a
-- load's connection, which until then had only an empty in-memory one (and temp tables, which
-- stay): attached, used, and the in-memory one detached, so that cursors made from the
-- connection use the copy too. The catalog name is fixed (nothing reads it: the ETL asks
-- current_database()). params: $path (the private copy)
attach $path as carepulse;

use carepulse;

detach memory;
