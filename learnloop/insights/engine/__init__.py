"""The analytical core of insights: Parquet fact files queried with DuckDB (no Django here)."""
