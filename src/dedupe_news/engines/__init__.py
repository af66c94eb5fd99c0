"""Engines: drivers other than the embedded one, calling the same stage functions (Dask)."""
