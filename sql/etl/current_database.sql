-- current_database.sql: one row: the catalog name of the database this connection uses.
-- params: none
select current_database() as name
