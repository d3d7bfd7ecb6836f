"""tm: a translation-memory workflow for lectures and Russian archival sources."""

__version__ = "0.1.0"
