"""Ingestion of department submissions: inbox -> parsed, checked submissions -> raw schema."""
