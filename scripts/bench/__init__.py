"""`make bench`: the performance harness (see run.py)."""
