"""Which DPV personal-data category each PII type belongs to.

The categories are the W3C DPV ``pd:`` extension
(``../shared/ontologies/dpv/pd/pd.ttl``); each IRI below is declared there as
an ``rdfs:Class`` (``tests/test_pii_categories.py`` checks that against the
file). Mobile and other phone numbers share ``pd:TelephoneNumber``: DPV does
not distinguish them. Licence plates map to ``pd:VehicleLicense``, the closest
class DPV has (it has no plate-number class).
"""

from __future__ import annotations

from collections.abc import Iterable

PD = "https://w3id.org/dpv/pd#"

DPV_CATEGORIES: dict[str, str] = {
    "person_name": PD + "Name",
    "mobile_phone": PD + "TelephoneNumber",
    "phone": PD + "TelephoneNumber",
    "email": PD + "EmailAddress",
    "cn_resident_id": PD + "OfficialID",
    "bank_card": PD + "PaymentCardNumber",
    "street_address": PD + "PhysicalAddress",
    "licence_plate": PD + "VehicleLicense",
}


def category_of(pii_type: str) -> str:
    """The DPV-PD category IRI of one PII type (``KeyError`` for an unknown type)."""
    return DPV_CATEGORIES[pii_type]


def categories_of(pii_types: Iterable[str]) -> set[str]:
    """The set of DPV-PD category IRIs of the given PII types."""
    return {DPV_CATEGORIES[pii_type] for pii_type in pii_types}
