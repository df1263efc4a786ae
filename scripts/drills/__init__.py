"""Failure drills on PostgreSQL (`make drills`): see run.py."""
