"""Pydantic models of every entity; no I/O here."""

from mokoord.models.activity import (
    Attendance,
    Contact,
    Cooperation,
    Event,
    FollowUp,
    Institution,
    Network,
    Referral,
)
from mokoord.models.common import Model, Record
from mokoord.models.config import (
    Config,
    Label,
    Privacy,
    Retention,
    Sender,
    Settings,
    Vocabularies,
)
from mokoord.models.funding import Application, Deadline, FundingLine, Programme
from mokoord.models.organisation import (
    Address,
    Consent,
    Members,
    Need,
    Organisation,
    Person,
    Register,
    Rooms,
    StatusChange,
)
from mokoord.models.privacy import ErasedPerson, Erasure, RedactedText

__all__ = [
    "Address",
    "Application",
    "Attendance",
    "Config",
    "Consent",
    "Contact",
    "Cooperation",
    "Deadline",
    "ErasedPerson",
    "Erasure",
    "Event",
    "FollowUp",
    "FundingLine",
    "Institution",
    "Label",
    "Members",
    "Model",
    "Need",
    "Network",
    "Organisation",
    "Person",
    "Privacy",
    "Programme",
    "Record",
    "RedactedText",
    "Referral",
    "Register",
    "Retention",
    "Rooms",
    "Sender",
    "Settings",
    "StatusChange",
    "Vocabularies",
]
