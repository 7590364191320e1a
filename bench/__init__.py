"""sendportal's benchmark: `make bench` (or `python -m bench --help`).

For each size it creates an empty database (SQLite in a temporary folder, or PostgreSQL's `sendportal_bench`
with --postgres), migrates it, seeds it with `demo.bulk.run()`, recomputes every deadline, then times the
pages and exports as the demo users see them. Results go to bench/results/latest-<database>.md.

Timings never go into the test suite; this package is run by hand (or by CI on a quiet machine).
"""
