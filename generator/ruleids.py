"""The rule ids of ../shared/spec/rules.md that no table defines, one constant each.

The filing kinds' late and missing rules and the quota rules are defined by their
tables (generator/kinds.py); findings.RULES gathers them all with their severity.
A module of its own, importing nothing, so that every stage (the YAML loader too)
can name a rule without an import cycle.
"""

from __future__ import annotations

from enum import StrEnum


class Rule(StrEnum):
    FILE_ENCODING = "file-encoding"
    FILE_TOO_LARGE = "file-too-large"
    YAML_SYNTAX = "yaml-syntax"
    YAML_DUPLICATE_KEY = "yaml-duplicate-key"
    YAML_ALIAS = "yaml-alias"
    SCHEMA = "schema"
    FILE_NAME = "file-name"
    ORG_CONFLICT = "org-conflict"
    UNKNOWN_UNIT = "unknown-unit"
    UNKNOWN_GROUP = "unknown-group"
    GROUP_NOT_LINKED = "group-not-linked"
    SELF_VISIT = "self-visit"
    VISITOR_NOT_LEADER = "visitor-not-leader"
    PRESENT_EXCEEDS_MEMBERS = "present-exceeds-members"
    DUPLICATE_SEQ = "duplicate-seq"
    FILED_BEFORE_SESSION = "filed-before-session"
    FILED_IN_FUTURE = "filed-in-future"
    CALENDAR_UNCOVERED = "calendar-uncovered"
    RECTIFY_BY_BEFORE_SESSION = "rectify-by-before-session"
    FILE_NOT_REGULAR = "file-not-regular"
    AMENDMENT_INVALID = "amendment-invalid"
    DUPLICATE_ENTRY = "duplicate-entry"
    PLAN_MONTH_INVALID = "plan-month-invalid"
    RECORD_DELETED = "record-deleted"
    FILED_RECORD_CHANGED = "filed-record-changed"
    ATTENDANCE_LOW = "attendance-low"
    ATTENDANCE_MISSING = "attendance-missing"
    FIRST_TOPIC_MISSING = "first-topic-missing"
    NOT_STUDY_SESSION = "not-study-session"
    PLAN_MISSING = "plan-missing"
    PLAN_LATE = "plan-late"
    PLAN_TOPIC_UNSTUDIED = "plan-topic-unstudied"
    FILING_BACKDATED = "filing-backdated"
