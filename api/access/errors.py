"""Access errors. The API maps them to statuses in :mod:`semcrm.api.errors`::

SemcrmError
└── AccessError
    ├── AuthenticationRequired   401: no key, a malformed, unknown or revoked key
    └── AccessDenied             403: a valid key whose role may not do this
"""

from __future__ import annotations

from semcrm.ontology.errors import SemcrmError


class AccessError(SemcrmError):
    """Access to the API was refused."""


class AuthenticationRequired(AccessError):
    """The request carries no valid API key."""


class AccessDenied(AccessError):
    """The caller is known, but its role does not allow this request."""
