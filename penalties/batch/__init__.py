"""Many cases at once: rows in, one result per row out, in constant memory (CSV, JSON
Lines, pandas and Dask).

Implementation modules; the public names are in :mod:`penalties`.
"""
