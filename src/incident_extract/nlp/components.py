"""The pipeline's own components (factories are registered in ``factories.py``).

Each one reads the spans of the components before it and writes its own span group, so a
notebook can inspect every stage: ``doc.spans["ie_dates"]``, ``span._.ie_status``...
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..rules_io import DEFAULT_RULES, fold, load_vocabulary, word_prefixes
from . import counts as count_grammar
from . import dates as date_grammar
from .cues import cues_by_entry, cues_by_value, scope_breaker_regex
from .extensions import SPAN_KEYS, guarded
from .rule_component import RuleComponent
from .sentences import sentence_of, sentence_text, text_of

ASSERTED_GROUPS = ("terms", "victims", "dates", "counts", "actors")
HYPOTHETICAL_LABELS = ("attack_types", "data_leaked", "systems")
"""A future risk or a piece of advice (« risquent d'être victimes d'hameçonnage ») is not a fact of the
incident; victims and places are not affected by it."""
FINITE_VERB = re.compile(
    r"(?<![\w-])(?:ont|a|sont|est|etaient|avaient|auraient|seraient|etait|avait|aurait|serait)(?![\w-])"
)


LISTED_LABELS = ("data_leaked", "systems")
LIST_JOIN = re.compile(r",|\bet\b|\bou\b|\bni\b|\bainsi\s+que\b")
LIST_GAP_CHARS = 40


def _joins_list_items(gap: str) -> bool:
    """Between two items of one list: a comma or « et »/« ou (encore) », and at most a short item the
    vocabularies do not know (« références bancaires »), never a verb or a clause break."""
    return (
        len(gap) <= LIST_GAP_CHARS
        and bool(LIST_JOIN.search(gap))
        and not FINITE_VERB.search(gap)
        and not scope_breaker_regex().search(gap)
    )


ATTACK_TARGET = re.compile(
    r"^\s*(?:dans|sur|de|du|des|contre|visant|ciblant|touchant)\s*(?:le|la|l'|les|son|sa|ses|leur|leurs|un|une)?\s*$"
)


def clause_bounds(doc: Doc, span: Span, breakers: re.Pattern | None = None) -> tuple[int, int]:
    """Character bounds of the clause holding ``span``: its sentence cut at scope breakers."""
    sent_start, sent_end = sentence_of(span)
    breakers = breakers or scope_breaker_regex()
    before = fold(text_of(doc)[sent_start : span.start_char])
    after = fold(text_of(doc)[span.end_char : sent_end])
    start = sent_start
    for m in breakers.finditer(before):
        start = sent_start + m.end()
    end = sent_end
    m = breakers.search(after)
    if m:
        end = span.end_char + m.start()
    return start, end


class AssertionDetector(RuleComponent):
    """Component ``incident_extract_assertion``: sets ``span._.ie_status`` on every extracted span.

    ``negated`` items are dropped from the record (kept under ``denied``); ``exercise`` marks
    simulations and ``hypothetical`` future risks or advice (both dropped); ``claimed`` and
    ``possible`` are kept with their status.
    """

    rule_files = ("assertion",)

    def __init__(
        self,
        nlp: Language,
        name: str = "incident_extract_assertion",
        window_before: int = 40,
        window_after: int = 45,
        rules: str = DEFAULT_RULES,
    ) -> None:
        super().__init__(nlp, name, rules)
        self.window_before = window_before
        self.window_after = window_after

    def load_rules(self, rules: str) -> None:
        self.entries = cues_by_entry("assertion", rules)
        self.values = cues_by_value("assertion", rules)
        self.breakers = scope_breaker_regex("assertion", rules)
        # cues that only reach what follows them (« clients désormais exposés à des tentatives d'arnaque »)
        self.hypothetical_before = self.values["hypothetical_before"]

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        for group in ASSERTED_GROUPS:
            for span in doc.spans.get(SPAN_KEYS[group], []):
                span._.ie_status = self.status(doc, span)
        self._negate_attacked_systems(doc)
        self._negate_listed_items(doc)
        return doc

    @staticmethod
    def _negate_listed_items(doc: Doc) -> None:
        """« En aucun cas des données de type RIB, IBAN, téléphone ou encore des données de santé n'ont
        été exposées »: a denial before the first item of a list reaches every item of that list."""
        previous = None
        for span in sorted(doc.spans.get(SPAN_KEYS["terms"], []), key=lambda s: s.start_char):
            if span.label_ not in LISTED_LABELS:
                continue
            if previous is not None and previous.label_ == span.label_ and previous._.ie_status == "negated":
                nested = span.start_char < previous.end_char  # « téléphone » in « numéro de téléphone »
                if nested or _joins_list_items(fold(text_of(doc)[previous.end_char : span.start_char])):
                    span._.ie_status = "negated"
            if previous is None or span.start_char >= previous.end_char:
                previous = span

    def _negate_attacked_systems(self, doc: Doc) -> None:
        """« aucune preuve d'une intrusion dans l'infrastructure informatique »: the system an attack is
        denied on is denied too, however far the negation cue is from it."""
        terms = doc.spans.get(SPAN_KEYS["terms"], [])
        denied_attacks = [s for s in terms if s.label_ == "attack_types" and s._.ie_status == "negated"]
        for span in terms:
            if span.label_ != "systems" or span._.ie_status != "confirmed":
                continue
            for attack in denied_attacks:
                between = fold(text_of(doc)[attack.end_char : span.start_char])
                if 0 <= span.start_char - attack.end_char <= 40 and ATTACK_TARGET.match(between):
                    span._.ie_status = "negated"
                    break

    def status(self, doc: Doc, span: Span) -> str:
        start, end = clause_bounds(doc, span, self.breakers)
        before = self._strip_pseudo(
            fold(text_of(doc)[max(start, span.start_char - self.window_before) : span.start_char])
        )
        sentence = self._strip_pseudo(fold(sentence_text(span)))
        for entry_id, value, terms, context in self.entries:
            if value != "negated":
                continue
            if entry_id == "negated.before":
                if any(m.end() >= len(before.rstrip()) - 25 for m in terms.finditer(before)):
                    return "negated"
            elif context is not None:
                clause_after = self._strip_pseudo(fold(text_of(doc)[span.end_char : end]))
                for m in terms.finditer(clause_after):
                    near = m.start() <= self.window_after
                    # « les informations bancaires, médicales, ainsi que les adresses ne sont pas
                    # concernées »: a list may stand between the item and its negated verb
                    listed = not near and not FINITE_VERB.search(clause_after[: m.start()])
                    if (near or listed) and _predicate_follows(clause_after[m.end() :], context):
                        return "negated"
        if self.values["exercise"].search(sentence):
            return "exercise"
        clause = self._strip_pseudo(fold(text_of(doc)[start:end]))
        if span.label_ in HYPOTHETICAL_LABELS:
            if self.values["hypothetical"].search(clause):
                return "hypothetical"
            clause_before = self._strip_pseudo(fold(text_of(doc)[start : span.start_char]))
            if self.hypothetical_before.search(clause_before):
                return "hypothetical"
        if self.values["claimed"].search(sentence):
            return "claimed"
        if self.values["possible"].search(clause):
            return "possible"
        return "confirmed"

    def _strip_pseudo(self, text: str) -> str:
        return self.values["pseudo"].sub(" ", text)


def _predicate_follows(text: str, predicate: re.Pattern, max_words: int = 3) -> bool:
    """True when ``predicate`` starts within the first ``max_words`` words of ``text``."""
    words = text.split()
    return any(predicate.match(" ".join(words[k:])) for k in range(min(max_words, len(words))))


class DateFinder:
    """Component ``incident_extract_dates``: French dates, resolved, with a role from their clause."""

    def __init__(self, nlp: Language, name: str = "incident_extract_dates") -> None:
        self.name = name
        self.roles = [cue for cue in cues_by_entry("date_roles") if cue[0] != "role.future"]
        self.future = next(cue[2] for cue in cues_by_entry("date_roles") if cue[0] == "role.future")

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        dateline = date_grammar.dateline_date(text_of(doc))
        if doc._.ie_published is None and dateline is not None:
            doc._.ie_published = dateline.value  # the article's own dateline anchors « mardi », « hier »
        published = doc._.ie_published
        anchor = None if published else date_grammar.anchor_year_of(text_of(doc))
        doc._.ie_anchor_year = anchor
        spans = []
        for match in date_grammar.find_dates(text_of(doc), published, anchor):
            span = doc.char_span(match.start, match.end, label="date", alignment_mode="expand")
            if span is None:
                continue
            is_dateline = dateline is not None and match.start <= dateline.start < match.end
            span._.ie_kind = "other" if is_dateline else self.role(doc, span)
            relative = match.rule not in ("dates.absolute", "dates.numeric")
            future = relative and self._in_future_clause(doc, span)
            span._.ie_value = match.value.isoformat() if match.value and not future else None
            span._.ie_rule = match.rule
            spans.append(span)
        doc.spans[SPAN_KEYS["dates"]] = spans
        return doc

    def _in_future_clause(self, doc: Doc, span: Span) -> bool:
        """« sera à l'arrêt lundi »: a weekday in a future clause, or in one with no past tense at
        all (a headline « l'usine à l'arrêt lundi »), is not resolved to the past one."""
        start, end = clause_bounds(doc, span)
        clause = text_of(doc)[start : span.start_char] + " " + text_of(doc)[span.end_char : end]
        return bool(self.future.search(fold(clause))) or not PAST_TENSE.search(clause.lower())

    def role(self, doc: Doc, span: Span) -> str:
        """The role of the cue nearest to the date in its clause (else its sentence).

        A comparison cue (« comme celles des Mureaux le 24 septembre ») makes it another
        incident's date: role ``other``.
        """
        for start, end in (clause_bounds(doc, span), sentence_of(span)):
            text = fold(text_of(doc)[start:end])
            date_start, date_end = span.start_char - start, span.end_char - start
            best: tuple[int, int, str] | None = None
            for order, (entry_id, value, terms, _context) in enumerate(self.roles):
                for m in terms.finditer(text):
                    if m.start() < date_end and date_start < m.end():
                        continue  # the cue is inside the date expression itself
                    if entry_id == "role.comparison":
                        return "other"
                    distance = date_start - m.end() if m.end() <= date_start else m.start() - date_end
                    if best is None or (distance, order) < best[:2]:
                        best = (distance, order, value)
            if best is not None:
                if (
                    best[2] in ("disclosure", "discovery")
                    and NIGHT.match(fold(span.text))
                    and self._attack_cue(text)
                ):
                    return "attack"  # « attaqué dans la nuit du lundi 23 au mardi 24 mai, a indiqué... »
                return best[2]
        return "other"

    def _attack_cue(self, text: str) -> bool:
        return any(value == "attack" and terms.search(text) for _id, value, terms, _ctx in self.roles)


class CountFinder:
    """Component ``incident_extract_counts``: numbers of people, marked affected or client base."""

    def __init__(self, nlp: Language, name: str = "incident_extract_counts") -> None:
        self.name = name
        values = {e.value: e for e in load_vocabulary("counts").entries}
        self.pattern = count_grammar.count_pattern(values["people"].terms)
        cues = cues_by_value("counts")
        self.base, self.affected, self.earlier = cues["base"], cues["affected"], cues["earlier"]

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match in count_grammar.find_counts(text_of(doc), self.pattern):
            span = doc.char_span(match.start, match.end, label="people", alignment_mode="expand")
            if span is None:
                continue
            span._.ie_value = match.value
            span._.ie_kind = self.kind(doc, span)
            span._.ie_rule = f"counts.{span._.ie_kind}"
            spans.append(span)
        doc.spans[SPAN_KEYS["counts"]] = spans
        return doc

    def kind(self, doc: Doc, span: Span) -> str:
        """``affected`` when the clause says these people were hit, ``base`` for a mere size.

        A count in a sentence about an earlier incident (« avaient été dérobées », « comme en
        2020 ») is ``earlier``; a noun that usually sizes an organisation (``habitants``,
        ``salariés``) counts as affected only with an explicit cue after it.
        """
        start, end = clause_bounds(doc, span)
        before = fold(text_of(doc)[max(start, span.start_char - 40) : span.start_char])
        after = fold(text_of(doc)[span.end_char : end])
        sentence = fold(sentence_text(span))
        if self.earlier.search(sentence):
            return "earlier"
        if PLUPERFECT.search(sentence):
            # « X avait déjà été victime en 2020. Les données de 1,4 million de personnes avaient été
            # dérobées. »: the pluperfect goes on with the earlier incident of the sentence before
            sent_start, _ = sentence_of(span)
            previous = text_of(doc)[max(0, sent_start - 300) : sent_start]
            if self.earlier.search(
                fold(previous.rsplit(".", 2)[-2] if previous.count(".") >= 2 else previous)
            ):
                return "earlier"
        if self.base.search(before[-45:]):
            return "base"
        if DATA_OF.search(before):
            return "affected"  # « les coordonnées bancaires de 1.996.026 salariés »: their data were hit
        noun = fold(text_of(doc)[span.start_char : span.end_char].split()[-1])
        if self.base.fullmatch(noun):
            # « commune de 52 habitants », « (21 000 salariés) »: a size, unless a cue follows at once
            tied = self.affected.search(after[:30]) and ")" not in after[:30]
            return "affected" if tied and not before.endswith(("de ", "d'")) else "base"
        if self.affected.search(after) or self.affected.search(before):
            return "affected"
        return "base"


DATA_OF = re.compile(
    r"(?:donnees|informations|coordonnees|dossiers|fichiers|identifiants|numeros|adresses)"
    r"(?:\s+[\w'-]+){0,3}\s+(?:de|des|d')\s*(?:plus\s+de\s+|pres\s+de\s+|quelque\s+)?$"
)
PLUPERFECT = re.compile(r"(?<![\w-])(?:avait|avaient)\s+(?:deja\s+)?ete(?![\w-])")
PAST_TENSE = re.compile(
    r"(?<![\w-])(?:a|ont|avait|avaient|aurait|auraient|est|sont|était|étaient|fut|furent|eu|été|subi|reçu|"
    r"pris|mis|découvert|ouvert|survenu|intervenu|perdu|depuis)(?![\w-])|\w+(?:é|ée|és|ées)(?![\w-])"
)
NIGHT = re.compile(r"(?:dans\s+|pendant\s+|durant\s+)?la\s+nuit")

_ACTOR_NAME = r"(?P<name>[A-Z0-9][\w$@.()-]*[\w$)](?:\s+(?:[A-Z0-9][\w$@.()-]*|\d+(?:\.\d+)?))?)"
_HACKER_WORDS = (
    r"(?:hackers|pirates|cybercriminels|hacktivistes|rançongiciel|ransomware|cybercriminalité|hacking)"
)
_ACTOR_QUALIFIERS = (
    r"(?:pro-?russes?|prorusses?|russes?|russophones?|islamistes?|pro-palestiniens?|chinois|iraniens?|"
    r"nord-coréens?|soudanais|criminels?|cybercriminels?|hacktivistes?)"
)
_ACTOR_NOUN_PHRASE = (
    r"(?:un|une)\s+(?:groupe|collectif|gang|groupuscule|clan)\s+(?:(?:de|d')\s*"
    + _HACKER_WORDS
    + r"|"
    + _ACTOR_QUALIFIERS
    + r")"
)
ACTOR_PATTERNS = [
    # « Celle-ci est signée X, un groupe de pirates », « une attaque signée par X »
    ("actors.signe", re.compile(r"\bsign[ée]e?s?\s+(?:par\s+)?[«\"“]?\s*" + _ACTOR_NAME)),
    # « X, un groupe de hackers pro-russes, a revendiqué »: the name before its description
    ("actors.apposition", re.compile(_ACTOR_NAME + r"\s*[»\"”]?\s*,\s*" + _ACTOR_NOUN_PHRASE)),
    # a defaced page's signature: « HACKED BY X et Y »
    ("actors.hacked_by", re.compile(r"(?i:hacked\s+by|pirat[ée]\s+par)\s+" + _ACTOR_NAME)),
    (
        "actors.hacked_by",
        re.compile(r"(?i:hacked\s+by)\s+[\w$@.()-]+\s+(?:et|and|&)\s+" + _ACTOR_NAME),
    ),
    # « le groupe de hackers X », « le gang de rançongiciel X », « le collectif pro-russe X »: a plain
    # « le groupe X » is a company group, so a hacker word or qualifier is required.
    (
        "actors.groupe_de_hackers",
        re.compile(
            r"\b(?:groupe|gang|collectif|groupuscule|clan)\s+(?:(?:de|d')\s*"
            + _HACKER_WORDS
            + r"\s+|"
            + _ACTOR_QUALIFIERS
            + r"\s+)+(?:baptisé\s+|nommé\s+|appelé\s+|connu\s+sous\s+le\s+nom\s+de\s+)?"
            r"[«\"“]?\s*" + _ACTOR_NAME
        ),
    ),
    ("actors.gang", re.compile(r"\b(?:gang|collectif\s+de\s+hackers)\s+[«\"“]?\s*" + _ACTOR_NAME)),
    (
        "actors.revendique_par",
        re.compile(
            r"\brevendiqu\w*\s+par\s+(?:le\s+(?:groupe|gang|collectif)\s+(?:de\s+\w+\s+)?)?[«\"“]\s*"
            + _ACTOR_NAME
        ),
    ),
    (
        # « revendiquée sur la messagerie Telegram par Legion Kiberfront, un collectif de hackers »
        "actors.revendique_par_nom",
        re.compile(
            r"\brevendiqu\w*\s+(?:[^.;,]{0,50}?\s)?par\s+(?:le\s+(?:groupe|gang|collectif)\s+)?"
            r"[«\"“]?\s*"
            + _ACTOR_NAME
            + r"(?=\s*[»\"”]?\s*(?:,\s*(?:un|une|le|la)\s+(?:groupe|collectif|gang|"
            r"groupuscule|pirate|hacker|cybercriminel)|\s+(?:sur|dans|via)\s))"
        ),
    ),
    (
        # « un groupe se faisant appeler Kraken Locker », « signés d'un pseudonyme, « Sh4d0wFox » »
        "actors.pseudonyme",
        re.compile(
            r"\b(?:se\s+(?:faisant|fait|font)\s+appeler|se\s+présent(?:ant|e|ent)\s+sous\s+le\s+(?:pseudonyme|nom)\s+(?:de\s+)?|"
            r"sous\s+le\s+pseudonyme\s+(?:de\s+)?|d['’]un\s+pseudonyme,?)\s*[«\"“]?\s*" + _ACTOR_NAME
        ),
    ),
    (
        # « le groupe Orcus Locker a revendiqué l'attaque »: a group that claims is an attacker
        "actors.groupe_revendique",
        re.compile(
            r"\b(?:groupe|gang|collectif)\s+[«\"“]?\s*"
            + _ACTOR_NAME
            + r"\s*[»\"”]?\s+(?:a\s+|aurait\s+|avait\s+)?"
            r"(?:revendiqu|menac\w*\s+de\s+publier|affirm\w*\s+avoir|exig|réclam)"
        ),
    ),
    (
        "actors.hackers_de",
        re.compile(
            r"\b(?:hackers|pirates|cybercriminels|hacktivistes)\s+(?:du\s+groupe\s+|du\s+collectif\s+)[«\"“]?\s*"
            + _ACTOR_NAME
        ),
    ),
]
# Responders the vocabulary does not list: « le cabinet spécialisé Octave Forensics », « la société
# rennaise Kerdos Sécurité », « le prestataire Numérix Conseil », in a sentence saying they help.
_FIRM_NOUNS = (
    r"(?i:(?:la|le|l['’]|au|du|à\s+la|de\s+la|par\s+la|par\s+le|son|sa|leur)\s*"
    r"(?:société|cabinet|prestataire|entreprise|spécialiste|expert|start-?up|PME|firme))"
)
RESPONDER_PATTERN = re.compile(
    r"\b" + _FIRM_NOUNS + r"(?:\s+(?:de|d['’]|en)\s+(?:[a-zà-ÿ'’-]+\s+){0,4}?[a-zà-ÿ-]+)?"
    r"(?:\s+[a-zà-ÿ-]+){0,2}?\s+(?P<name>[A-ZÀ-Ý][\w'’.&-]*(?:\s+(?:[A-ZÀ-Ý][\w'’.&-]*|&))*)"
)
RESPONDER_CONTEXT = re.compile(
    r"accompagn|mandat|fait\s+appel|appel\s+(?:a|au)\b|epaul|\baid|assist|investig|remediation|reconstru|"
    r"restaur|analys|securis|intervien|intervenu|depech|renfort|soutien|particip|"
    r"reponse\s+a\s+incident"
)
NOT_ACTOR = {"Le", "La", "Les", "Un", "Une", "Ce", "Cette", "En", "Il", "Elle", "Selon", "Depuis", "Ces"}


class ActorFinder:
    """Component ``incident_extract_actors``: attacker and responder names the vocabularies do not
    list yet, found by how the press introduces them (labels ``threat_actors`` and ``responders``)."""

    def __init__(self, nlp: Language, name: str = "incident_extract_actors") -> None:
        self.name = name

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for rule, pattern in ACTOR_PATTERNS:
            for m in pattern.finditer(text_of(doc)):
                name = m["name"].rstrip(".,")
                if name.split()[0] in NOT_ACTOR or name.isdigit():
                    continue
                start = m.start("name")
                span = doc.char_span(
                    start, start + len(name), label="threat_actors", alignment_mode="contract"
                )
                if span is None or any((span.start, span.end) == (s.start, s.end) for s in spans):
                    continue  # one name, several patterns: the first rule speaks for it
                span._.ie_rule = rule
                spans.append(span)
        spans.extend(self._responders(doc))
        doc.spans[SPAN_KEYS["actors"]] = spans
        return doc

    def _responders(self, doc: Doc) -> list[Span]:
        """Firms named after « la société », « le cabinet »... in a sentence saying they help."""
        found = []
        for m in RESPONDER_PATTERN.finditer(text_of(doc)):
            name = m["name"].rstrip(".,")
            start = m.start("name")
            span = doc.char_span(start, start + len(name), label="responders", alignment_mode="contract")
            if span is None or name.split()[0] in NOT_ACTOR:
                continue
            if not RESPONDER_CONTEXT.search(fold(sentence_text(span))):
                continue
            span._.ie_rule = "responders.firm_noun"
            found.append(span)
        return found


class PrefixTerms:
    """Component ``incident_extract_prefix_terms``: the vocabularies' one-word prefixes
    (``rançongiciel*``, ``piraté*``) added to ``doc.spans["ie_terms"]`` like the span ruler's
    matches. Each word is looked up by its first letters in a table built once."""

    KEY = 3

    def __init__(self, nlp: Language, name: str = "incident_extract_prefix_terms") -> None:
        self.name = name
        self.table: dict[str, list[tuple[str, str, str]]] = {}
        for prefix, label, entry_id in word_prefixes():
            self.table.setdefault(prefix[: self.KEY], []).append((prefix, label, entry_id))

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans.setdefault(SPAN_KEYS["terms"], [])
        found = []
        for token in doc:
            word = token.lower_.replace("’", "'")
            for prefix, label, entry_id in self.table.get(word[: self.KEY], ()):
                if word.startswith(prefix):
                    found.append(Span(doc, token.i, token.i + 1, label=label, span_id=entry_id))
        if found:
            group.extend(found)
        return doc
