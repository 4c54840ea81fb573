"""Advisor stage: "one mine, one policy" (一矿一策) advice from the rules, cited to clauses.

Public API (what the CLI and the web API call)::

    Advisor(kb).advise(profile, as_of=None, explain=False) -> advice dict (the contract's shape)
    Advisor(kb).advise_many(records)        -> iterator of advice / error objects, input order
    Advisor(kb).what_if(profile, changes)   -> {"before", "after", "diff"}
    Advisor(kb).compare_provinces(profile, provinces) -> side by side
    validate_profile(raw) -> normalized profile, or ProfileError(details=[{record, field, message}])
    read_profiles(path) / iter_records(path) -> InputRecord (JSON, JSON array, JSON Lines, CSV)
"""
from __future__ import annotations

from advisor.potential import InconsistentMatrixError
from advisor.profile import ProfileError, validate_profile
from advisor.provenance import UnresolvedSourceError
from advisor.readers import InputFileError, InputRecord, iter_records, read_profiles
from advisor.service import Advisor

__all__ = ["Advisor", "ProfileError", "validate_profile", "InputFileError", "InputRecord", "iter_records",
           "read_profiles", "InconsistentMatrixError", "UnresolvedSourceError"]
