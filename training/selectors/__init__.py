"""Reads of the training app, split by audience: ``portal`` (a deputy's own courses, materials
and requests), ``office`` (staff, scoped to their congresses), ``unit`` (a unit officer's
routed requests). Each answers 404 or PermissionDenied before a view does anything else."""
