"""The statute file format and its loading: schema, compilation, catalogue, golden cases.

Implementation modules; the public names are in :mod:`penalties`.
"""
