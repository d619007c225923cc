"""Family in the civil registry (absher_web/agencies/family.py): marriages, who is whose
parent, who has custody of a child, and the births hospitals notify; and the family
records (سجل الأسرة) Civil Affairs issues from them (services/family_records.py)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.base import Base, UTCDateTime, enum_column


class MarriageEnd(enum.StrEnum):
    DIVORCE = "divorce"
    DEATH = "death"


class ParentRole(enum.StrEnum):
    FATHER = "father"
    MOTHER = "mother"


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class Marriage(Base):
    """A marriage as Civil Affairs records it; an ended one keeps its end and why."""

    __tablename__ = "marriages"
    __table_args__ = (UniqueConstraint("husband_id", "wife_id", "married_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    husband_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    wife_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    married_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    ended_by: Mapped[MarriageEnd | None] = mapped_column(enum_column(MarriageEnd))


class ParentLink(Base):
    """One parent of a child: a child has at most one father and one mother."""

    __tablename__ = "parent_links"
    __table_args__ = (UniqueConstraint("child_id", "relation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"))
    relation: Mapped[ParentRole] = mapped_column(enum_column(ParentRole))
    # The registry's people carry no sex; the family record does (son or daughter).
    child_sex: Mapped[Sex] = mapped_column(enum_column(Sex))


class Custody(Base):
    """Who has custody of a child, where a court or Civil Affairs recorded it (after a
    divorce, say): that person alone then acts for the child."""

    __tablename__ = "custodies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), unique=True)
    custodian_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    since: Mapped[date] = mapped_column(Date)


class BirthNotification(Base):
    """A hospital's notice of a birth, waiting for the father to register the child."""

    __tablename__ = "birth_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    father_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    mother_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    hospital: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))
    # The child once registered (services/births.py): one child per notification.
    child_id: Mapped[str | None] = mapped_column(ForeignKey("people.national_id"),
                                                 unique=True)


class FamilyRecordKind(enum.StrEnum):
    MARRIAGE = "marriage"  # the husband's, after a marriage
    MOTHER = "mother"  # a divorced or widowed mother's, for the children in her custody


class FamilyRelation(enum.StrEnum):
    """How a member of a family record is related to its head."""

    WIFE = "wife"
    SON = "son"
    DAUGHTER = "daughter"


class FamilyRecord(Base):
    """A family record: its head and (in family_record_members) its members.

    A person heads at most one record of each kind; a marriage yields at most one record
    (a later marriage of the same husband adds the wife to the record he has).
    """

    __tablename__ = "family_records"
    __table_args__ = (UniqueConstraint("head_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What people quote: digits, the last a check digit (identity.luhn_check_digit).
    number: Mapped[str] = mapped_column(String(12), unique=True)
    head_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    kind: Mapped[FamilyRecordKind] = mapped_column(enum_column(FamilyRecordKind))
    # The marriage a husband's record was first issued for (None for a mother's).
    marriage_id: Mapped[int | None] = mapped_column(ForeignKey("marriages.id"), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())

    members: Mapped[list[FamilyRecordMember]] = relationship(
        back_populates="record", order_by="FamilyRecordMember.id")


class FamilyRecordMember(Base):
    __tablename__ = "family_record_members"
    __table_args__ = (UniqueConstraint("record_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("family_records.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    relation: Mapped[FamilyRelation] = mapped_column(enum_column(FamilyRelation))

    record: Mapped[FamilyRecord] = relationship(back_populates="members")
