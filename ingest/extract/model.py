"""What extraction asserts about one interaction, before it becomes RDF.

Every fact carries :class:`Evidence`: a span ``[start, end)`` of the
*de-identified* interaction text, the turn it lies in, the exact quote, the
extractor (name and version) and a confidence. :mod:`semcrm.ingest.rdf`
turns an :class:`Extraction` into the triples of the interaction's graph;
:mod:`semcrm.api.goldshape` renders it in the devset's gold JSON shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from semcrm.ingest.model import Interaction

#: Sides of an interaction.
CUSTOMER, VENDOR, THIRD_PARTY, UNKNOWN = "customer", "vendor", "third_party", "unknown"


@dataclass(frozen=True)
class Evidence:
    turn: int
    start: int
    end: int
    quote: str
    extractor: str
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"evidence span {self.start}-{self.end} is not a span")


@dataclass
class OrgFact:
    """An organisation named in the interaction and the part it plays in it."""

    name: str
    role: str  # "customer", "vendor", "competitor", "other"
    evidence: list[Evidence] = field(default_factory=list)
    concept: str | None = None  # ontology IRI when the organisation is curated there


@dataclass
class PersonFact:
    """One person's part in the interaction (known only by pseudonym)."""

    key: str  # the pseudonym, or "label:<role label>" for an unnamed speaker
    side: str
    present: bool
    roles: list[str] = field(default_factory=list)  # role concept IRIs
    titles: list[str] = field(default_factory=list)  # job-title concept IRIs
    speaker_labels: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    role_evidence: dict[str, list[Evidence]] = field(default_factory=dict)

    @property
    def pseudonym(self) -> str | None:
        """The person's pseudonym; None for a speaker known by a role label ("label:客户")
        or a person known only by a title ("title:董事长")."""
        return None if self.key.startswith(("label:", "title:")) else self.key

    @property
    def label(self) -> str | None:
        """The role label or title a person without a pseudonym is known by."""
        return self.key.split(":", 1)[1] if self.pseudonym is None else None


@dataclass
class Mention:
    """A span that refers to an ontology concept (industry, qualification, product ...)."""

    kind: str
    concept: str | None
    text: str
    evidence: Evidence


@dataclass
class Signal:
    """What one turn shows: an intent, a stated need, a concern, an objection, an emotion."""

    kind: str  # "intent", "need", "concern", "objection", "emotion", "decision"
    concept: str | None  # intent / need / objection-cause / emotion IRI
    evidence: Evidence
    side: str
    confidence: float
    negated: bool = False
    hedged: bool = False
    about: str | None = None  # topic concept (a need) the signal is about
    person: str | None = None  # the speaker's person key
    cues: tuple[str, ...] = ()  # the matched cue phrases (for debugging and eval)


@dataclass
class TurningPoint:
    """The customer's emotion changed from ``before`` to ``after`` at turn ``turn``."""

    before: str  # emotion IRI
    after: str
    turn: int
    trigger: Evidence
    confidence: float


@dataclass
class Extraction:
    """Everything extracted from one de-identified interaction."""

    interaction: Interaction  # de-identified
    language: str
    sides: dict[int, str]  # turn index -> side
    customer: OrgFact | None = None
    vendor: OrgFact | None = None
    consumer: PersonFact | None = None  # the customer when it is a private person
    organisations: list[OrgFact] = field(default_factory=list)
    industry: str | None = None  # finest supported industry concept IRI
    industry_evidence: list[Evidence] = field(default_factory=list)
    proposals: list = field(default_factory=list)  # industry.ConceptProposal: finer concepts
    qualifications: list[Mention] = field(default_factory=list)
    people: list[PersonFact] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    turning_points: list[TurningPoint] = field(default_factory=list)
    extractor_version: str = ""

    def signals_of(self, kind: str) -> list[Signal]:
        return [s for s in self.signals if s.kind == kind]
