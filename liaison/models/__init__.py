"""The liaison app's records. Stations, duty schedule and the public's opinions live in
``stations.py``; committees, contact assignments and records, reception days, SC-meeting
topics and the pre-meeting symposium in ``contacts.py``; committees' consultations of the
deputies on draft regulations in ``consultations.py``."""

from .consultations import Consultation, ConsultationArticle, ConsultationComment
from .contacts import (
    Committee,
    ContactAssignment,
    ContactRecord,
    OpinionRouting,
    ReceptionDay,
    Symposium,
    Topic,
    TopicInvitation,
    TopicOpinion,
)
from .stations import Duty, Opinion, OpinionEvent, Station

__all__ = [
    "Committee",
    "Consultation",
    "ConsultationArticle",
    "ConsultationComment",
    "ContactAssignment",
    "ContactRecord",
    "Duty",
    "Opinion",
    "OpinionEvent",
    "OpinionRouting",
    "ReceptionDay",
    "Station",
    "Symposium",
    "Topic",
    "TopicInvitation",
    "TopicOpinion",
]
