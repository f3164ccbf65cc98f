"""Access control (issue 7, first part): who may read what, decided from data.

* :mod:`.policy` — the policy read from ``ontology/access.ttl``: tiers, roles, actions;
  :func:`~.policy.decide` answers permit/deny with its reasons.
* :mod:`.tiers` — sensitivity tiers of named graphs, and of derived facts through their
  justifications.
* :mod:`.views` — the in-memory store of what a clearance may read, which SPARQL runs over.
* :mod:`.keys` — API keys stored as salted hashes in ``<data>/access/keys.json``.
* :mod:`.auth` — the FastAPI dependencies (opt-in with the ``auth`` setting).
* :mod:`.tokens` — OAuth2 bearer JWTs: issuer, audience, JWKS keys, claims to roles.
* :mod:`.resources` — what a resource named in ``POST /access/check`` is, and its tier.
* :mod:`.grants` — grants derived by rules, under the traffic light of their zones.
* :mod:`.audit` — the append-only access audit log ``<data>/audit/access.jsonl``.
* :mod:`.decisions` — checks and explanations from roles, tiers and derived grants, with
  each grant's justification chain.
"""
