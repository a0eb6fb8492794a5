"""Benchmarks: speed (and, for the scans, accuracy) of the readers and normalizers.

Each is a module run on its own, `python -m kehoach.bench.<name>`; `python -m kehoach.bench`
lists them. Not tests: the figures depend on the machine.
"""
