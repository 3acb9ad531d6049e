"""The staff ledger: what people add to the facts, kept in the app's own store (progress.duckdb beside
the facts database, a file the pipeline never rebuilds): progress (progress.py), corrections
(corrections.py), staff accounts with their failed sign-ins (users.py) and the staff's sessions
(sessions.py), over one way of opening the store (store.py).

Both sides read it, so it sits below both: the pipeline (the weekly PDF, evaluate) and the app
(dashboard/) import it; it imports nothing of dashboard/. It is the seam another store (PostgreSQL)
plugs into.
"""
