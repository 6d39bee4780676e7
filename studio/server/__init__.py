"""The reference rendering server."""
