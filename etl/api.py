"""The small public API the dashboard (and users' scripts) may use: read-only access to a
published database and its data version. Everything else in `etl` is internal."""
from etl.errors import EtlError
from etl.publish import data_version, open_reader
from etl.settings import db_path

# The read-only spike report (etl/spike_report.py), imported when first used.


def find_spikes(con, brands=(), start=None, end=None, kind: str = "all"):
    """Spikes whose hour lies in [start, end), labelled expected / surprise (one row a spike)."""
    from etl import spike_report

    return spike_report.find_spikes(con, brands, start, end, kind)


def explain_spike(con, spike, is_spike: bool = True) -> dict:
    """One find_spikes row explained: top terms, hashtags, sample messages, summary line."""
    from etl import spike_report

    return spike_report.explain_spike(con, spike, is_spike)


def hourly_series(con, brands=(), start=None, end=None):
    """Customer and negative customer messages per brand and UTC hour (the spikes' input)."""
    from etl import spike_report

    return spike_report.hourly_series(con, brands, start, end)


__all__ = ["EtlError", "data_version", "db_path", "explain_spike", "find_spikes",
           "hourly_series", "open_reader"]
