-- floor_scan.sql: one row: the record count of a CSV file, every field read as text (the scan
-- floor: DuckDB reading and splitting the file, with its default parallelism). params: $path
select count(*) as records
from read_csv($path, header = true, all_varchar = true)
