"""What readers see: the published warehouse (DuckDB file or PostgreSQL schema) and the Parquet export."""
