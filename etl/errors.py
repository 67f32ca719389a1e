"""Errors the CLI turns into one clear line and a non-zero exit."""


class EtlError(Exception):
    """A whole input cannot be used (missing, unreadable, not CSV, required column absent)."""
