"""Durable analysis jobs: a call row is the job; workers claim it with a lease."""
