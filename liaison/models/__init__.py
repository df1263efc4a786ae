"""The liaison app's records. Stations, duty schedule and the public's opinions live in
``stations.py``; further modules (contacts, meetings, committees) are added beside it."""

from .stations import Duty, Opinion, OpinionEvent, Station

__all__ = ["Duty", "Opinion", "OpinionEvent", "Station"]
