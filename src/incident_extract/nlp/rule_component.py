"""What every rule component of the pipeline shares: rules named in its config, loaded in
``initialize()``, saved with ``to_disk`` and restored with ``from_disk``.

As spaCy's ``EntityRuler`` does with its patterns: the factory only records where the rules come
from (``rules = "default"``, the files shipped in the package, or a folder of rule files); the
component reads and compiles them in :meth:`RuleComponent.initialize`. ``to_disk`` copies the
rule files it uses into the pipeline's folder, so a pipeline saved under ``models/`` is
self-contained: loading it reads those copies, never whatever YAML is installed at the time.

A component used before ``initialize()`` (``nlp.add_pipe`` in a notebook, then ``nlp(text)``)
loads its rules on the first document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

from spacy.language import Language

from ..rules_io import DEFAULT_RULES, rule_file_text


class RuleComponent:
    """Base of the project's components. Subclasses name their ``rule_files`` and compile them in
    :meth:`load_rules`; all per-document state stays in local variables."""

    rule_files: ClassVar[tuple[str, ...]] = ()
    """Names (without ``.yaml``) of the rule files this component reads."""
    factory_name: ClassVar[str] = ""
    """The component's factory, and its name when built directly (``VictimFinder(nlp)``)."""

    def __init__(self, nlp: Language, name: str | None = None, rules: str = DEFAULT_RULES) -> None:
        self.name = name or self.factory_name
        self.rules = rules
        self.is_initialized = False

    def initialize(
        self,
        get_examples: Callable[[], Iterable] | None = None,
        *,
        nlp: Language | None = None,
        rules: str | None = None,
    ) -> None:
        """Read and compile the rule files (``rules``: ``"default"`` or a folder of rule files)."""
        if rules is not None:
            self.rules = rules
        self.load_rules(self.rules)
        self.is_initialized = True

    def load_rules(self, rules: str) -> None:
        """Compile the rule files of ``rules`` into this component's matchers and regexes."""
        raise NotImplementedError

    def ensure_initialized(self) -> None:
        if not self.is_initialized:
            self.initialize()

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Copy the rule files in use into ``path`` (one YAML file each, as shipped)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name in self.rule_files:
            (path / f"{name}.yaml").write_text(rule_file_text(name, self.rules), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RuleComponent:
        """Load the rule files a saved pipeline holds for this component."""
        self.initialize(rules=str(Path(path)))
        return self
