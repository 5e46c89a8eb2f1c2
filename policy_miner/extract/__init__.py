"""Extractors: quantities (this issue), entities and metadata (later) from a segmented document."""
