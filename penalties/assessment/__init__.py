"""The assessment: the law chosen for a case, what it sees of the facts, the run, the
results, lex mitior, thresholds and the conversion of results.

Implementation modules; the public names are in :mod:`penalties`.
"""
