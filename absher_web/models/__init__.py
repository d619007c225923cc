"""The data model: typed SQLAlchemy 2 models for every table the portal uses, one module
per area; every model is named here, so `from absher_web.models import Account` is the
way to reach one.

State lives here, never in a process, so any app process can serve any step.
Alembic owns the schema (migrations/); tests check the two agree.
"""

from __future__ import annotations

from absher_web.models.accounts import (
    Account,
    Activation,
    ActivationChannel,
    ActivationRequestStatus,
    ActivationState,
    CodeChallenge,
    CodePurpose,
    Language,
    PendingRegistration,
    Person,
    PersonKind,
    RecoveryFlow,
    RecoveryStep,
    SecurityAnswer,
)
from absher_web.models.agencies import (
    Passport,
    PassportStatus,
    SponsoredKind,
    Sponsorship,
    TrafficViolation,
    TravelBan,
    Vehicle,
    ViolationStatus,
)
from absher_web.models.base import (
    NAMING,
    Base,
    UTCDateTime,
    enum_column,
    utcnow,
)
from absher_web.models.bills import (
    Bill,
    BillStatus,
    open_bill,
)
from absher_web.models.decorum import DecorumStatus, DecorumViolation
from absher_web.models.devices import DeviceSession
from absher_web.models.documents import IssuedDocument
from absher_web.models.employment import (
    JobApplication,
    JobGender,
    JobOpening,
    JobRegion,
    JobSector,
    Qualification,
)
from absher_web.models.eservices import (
    AbsenceReport,
    AuthorisationStatus,
    DrivingAuthorisation,
    VisaExtension,
    open_absence_report,
)
from absher_web.models.family import (
    BirthNotification,
    Custody,
    FamilyRecord,
    FamilyRecordKind,
    FamilyRecordMember,
    FamilyRelation,
    Marriage,
    MarriageEnd,
    ParentLink,
    ParentRole,
    Sex,
)
from absher_web.models.imports import ImportCheckpoint
from absher_web.models.inbox import InboxMessage, unread_message
from absher_web.models.investors import InvestorLicence, InvestorLicenceKind
from absher_web.models.premium import (
    PremiumKind,
    PremiumResidency,
    PremiumStatus,
)
from absher_web.models.privacy import DataExport, ExportStatus, StaffLook
from absher_web.models.requests import (
    RequestStatus,
    ServiceRequest,
)
from absher_web.models.residency import (
    Visa,
    VisaKind,
    VisaStatus,
)
from absher_web.models.sales import OPEN_SALE, SaleStatus, VehicleSale, open_sale
from absher_web.models.security import (
    ApiClient,
    ApiClientKind,
    ApiRequest,
    AuditEvent,
    SpentToken,
    StaffUser,
)
from absher_web.models.sms import (
    CODE_PURPOSE_PATTERN,
    REDACTED_CODE_BODY,
    SmsBudget,
    SmsMessage,
    SmsStatus,
    unredacted_code_message,
)
from absher_web.models.tahseen import TahseenTicket, TicketKind, TicketStatus
from absher_web.models.uploads import Upload

__all__ = [
    "DecorumStatus",
    "DecorumViolation",
    "ImportCheckpoint",
    "InboxMessage",
    "unread_message",
    "AbsenceReport",
    "Account",
    "Activation",
    "ActivationChannel",
    "ActivationRequestStatus",
    "ActivationState",
    "ApiClient",
    "ApiClientKind",
    "ApiRequest",
    "AuditEvent",
    "AuthorisationStatus",
    "Base",
    "Bill",
    "BirthNotification",
    "BillStatus",
    "CODE_PURPOSE_PATTERN",
    "CodeChallenge",
    "CodePurpose",
    "Custody",
    "FamilyRecord",
    "IssuedDocument",
    "FamilyRecordKind",
    "FamilyRecordMember",
    "FamilyRelation",
    "DeviceSession",
    "DrivingAuthorisation",
    "JobApplication",
    "JobGender",
    "JobOpening",
    "JobRegion",
    "JobSector",
    "Language",
    "Marriage",
    "MarriageEnd",
    "NAMING",
    "ParentLink",
    "ParentRole",
    "Passport",
    "PassportStatus",
    "PendingRegistration",
    "Person",
    "PersonKind",
    "PremiumKind",
    "PremiumResidency",
    "PremiumStatus",
    "Qualification",
    "REDACTED_CODE_BODY",
    "RecoveryFlow",
    "RecoveryStep",
    "OPEN_SALE",
    "RequestStatus",
    "SaleStatus",
    "SecurityAnswer",
    "ServiceRequest",
    "Sex",
    "SmsBudget",
    "SmsMessage",
    "SmsStatus",
    "SpentToken",
    "SponsoredKind",
    "Sponsorship",
    "StaffUser",
    "TrafficViolation",
    "TravelBan",
    "UTCDateTime",
    "Vehicle",
    "VehicleSale",
    "ViolationStatus",
    "Visa",
    "VisaExtension",
    "VisaKind",
    "VisaStatus",
    "enum_column",
    "open_absence_report",
    "open_bill",
    "open_sale",
    "unredacted_code_message",
    "utcnow",
    "Upload",
    # Tahseen and foreign investors
    "InvestorLicence",
    "InvestorLicenceKind",
    "TahseenTicket",
    "TicketKind",
    "TicketStatus",
    # What the holder sees of their own data (models/privacy.py).
    "DataExport",
    "ExportStatus",
    "StaffLook",
]
