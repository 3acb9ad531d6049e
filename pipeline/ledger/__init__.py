"""The staff ledger: what people add to the facts, kept in the app's own store, apart from the facts
database the pipeline rebuilds: progress (progress.py), corrections (corrections.py), staff accounts
with their failed sign-ins (users.py), the staff's sessions (sessions.py) and the reminders log
(reminders.py), over one store interface (store.py) with two backends: the embedded progress.duckdb
beside the facts database (embedded.py), or PostgreSQL when TRACKER_STORE is set (postgres.py).
migrate.py copies one store into another.

Both sides read it, so it sits below both: the pipeline (the weekly PDF, feeds, reminders, evaluate)
and the app (dashboard/) import it; it imports nothing of dashboard/.
"""
