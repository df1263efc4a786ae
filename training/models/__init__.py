"""The training app's records: courses, sessions, briefing topics, enrolment and feedback in
``courses.py``; materials and read receipts in ``materials.py``; data requests in
``requests.py``; uploaded files in ``files.py``; the audience rule in ``audience.py``."""

from .audience import AudienceKind
from .courses import Course, Enrolment, Feedback, Session, Topic
from .files import Document
from .materials import Material, Receipt
from .requests import DataRequest, RequestEvent

__all__ = [
    "AudienceKind",
    "Course",
    "DataRequest",
    "Document",
    "Enrolment",
    "Feedback",
    "Material",
    "Receipt",
    "RequestEvent",
    "Session",
    "Topic",
]
