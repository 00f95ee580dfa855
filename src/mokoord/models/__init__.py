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
from mokoord.models.config import Config, Label, Settings, Vocabularies
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

__all__ = [
    "Address",
    "Application",
    "Attendance",
    "Config",
    "Consent",
    "Contact",
    "Cooperation",
    "Deadline",
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
    "Programme",
    "Record",
    "Referral",
    "Register",
    "Rooms",
    "Settings",
    "StatusChange",
    "Vocabularies",
]
