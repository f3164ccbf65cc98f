"""TBox consistency and classification with a full OWL 2 DL reasoner (HermiT).

owlready2 ships HermiT and runs it on a Java runtime. owlready2 cannot read
Turtle, so the TBox is handed over as RDF/XML written by rdflib. Only the
ontology is checked here (instance data is left to the rule engine, which
scales); HermiT is the arbiter of whether the curated classes make sense.

The outcome is a :class:`ConsistencyReport` (a finding, not an exception):
consistent or not, and the unsatisfiable classes by name. A missing Java
runtime is a :class:`ReasonerUnavailable` error that says how to install one.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from semcrm.ontology.errors import SemcrmError
from semcrm.ontology.loader import Ontology

log = logging.getLogger(__name__)


class ReasonerUnavailable(SemcrmError):
    """HermiT cannot run (no Java runtime found)."""


@dataclass(frozen=True)
class ConsistencyReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    classes: int = 0
    reasoner: str = "HermiT (owlready2)"
    detail: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "consistent": self.consistent and not self.unsatisfiable,
            "unsatisfiable_classes": self.unsatisfiable,
            "classes": self.classes,
            "reasoner": self.reasoner,
            "detail": self.detail,
        }


def check_consistency(ontology: Ontology) -> ConsistencyReport:
    """Run HermiT over the TBox and report consistency and unsatisfiable classes."""
    import owlready2

    java = shutil.which("java")
    if java is None:
        raise ReasonerUnavailable(
            "HermiT needs a Java runtime and none is on PATH; install OpenJDK 11+ "
            "(e.g. `apt-get install default-jre-headless`) and run again"
        )
    owlready2.JAVA_EXE = java
    with tempfile.TemporaryDirectory(prefix="semcrm-hermit-") as tmp:
        path = Path(tmp) / "semcrm.owl"
        ontology.graph.serialize(destination=str(path), format="xml")
        world = owlready2.World()
        # owlready2 prints its own warnings on stderr (semcrm:text is both a datatype
        # property and, punned, a protected term of the access policy, which OWL 2
        # allows); they go to the log instead.
        said = io.StringIO()
        with contextlib.redirect_stderr(said), contextlib.redirect_stdout(said):
            onto = world.get_ontology(path.as_uri()).load()
        if said.getvalue().strip():
            log.debug("owlready2: %s", " ".join(said.getvalue().split()))
        classes = len(list(onto.classes()))
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ConsistencyReport(False, [], classes, detail=" ".join(str(exc).split())[:500])
        unsatisfiable = sorted(
            str(c.iri)
            for c in world.inconsistent_classes()
            if str(c.iri) != str(owlready2.Nothing.iri)
        )
        world.close()
    return ConsistencyReport(True, unsatisfiable, classes)
