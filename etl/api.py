"""The small public API the dashboard (and users' scripts) may use: read-only access to a
published database and its data version. Everything else in `etl` is internal."""
from etl.errors import EtlError
from etl.publish import data_version, open_reader
from etl.settings import db_path
from etl.spike_report import explain_spike, find_spikes, hourly_series  # read-only spike report

__all__ = ["EtlError", "data_version", "db_path", "explain_spike", "find_spikes",
           "hourly_series", "open_reader"]
