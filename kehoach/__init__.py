"""kehoach: Vietnamese government plans in, analysis-ready Parquet datasets out."""
__version__ = "0.1.0"
