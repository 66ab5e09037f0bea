"""Victims by role, not by entity type.

Candidates are organisation noun phrases (``la mairie de Chaville``, ``le groupe CERP
Bretagne Atlantique``, from the ``organisations`` vocabulary) and named entities (ORG/MISC
from the model, or capitalised runs). A candidate is a victim only when the sentence puts it
in a victim's role: ``X, victime d'une cyberattaque``, ``X a été piraté``, ``une cyberattaque a
touché X``, ``les données de X``, ``chez X``, or coordinated with a victim (``A et B ont été
ciblés``). Authorities, attackers and responders never are.

The cues and word lists are data: ``rules/victim_cues.yaml`` (role cues by side, with ids) and
``rules/stoplists.yaml`` (articles, connectors, names that never are victims), read with
:mod:`.regex_rules`. A victim's rule names the candidate rule and the cue that gave it its role
(``victims.org.mairie+cue:right.passive``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache, partial
from typing import ClassVar

from spacy.language import Language
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Span, Token

from ..rules_io import DEFAULT_RULES, fold, load_dependency_rules, load_vocabulary
from .cues import cue_regex
from .extensions import SPAN_KEYS, guarded
from .framing import looks_like_furniture, url_slug
from .regex_rules import load_regex_rules
from .rule_component import RuleComponent
from .sentences import all_sentences, sentence_index, sentence_of, sentence_starts, starts_sentence, text_of
from .terms import IMPACT_FIELDS

LIST_ITEM_SENTENCES = 15
"""How far a list introduced by a colon may run."""

Cue = tuple[str, int | None, re.Pattern]
"""A cue id, the characters it reads next to the candidate (None: up to the sentence bound), its regex."""


class CueGroup(list[Cue]):
    """The cues of one family (``right.``, ``left.``...), in file order, with one regex of them all
    per window: most candidates match none, and one search tells so at the cost of one regex."""

    def __init__(self, cues: list[Cue]) -> None:
        super().__init__(cues)
        windows = {window for _, window, _ in cues}
        self.any_by_window = {
            window: re.compile("|".join(f"(?:{p.pattern})" for _, w, p in cues if w == window))
            for window in windows
        }


class VictimRules:
    """The victim cues and stop lists of one rules source, compiled (once per process and source)."""

    def __init__(self, rules: str = DEFAULT_RULES) -> None:
        self.cues = load_regex_rules("victim_cues", rules)
        stop = load_regex_rules("stoplists", rules)
        self.right_role = self.group("right", "right.")
        self.right_role_after_noun = self.group("right", "right_after_noun.")
        self.right_event = CueGroup(self.group("right", "event.") + self.group("right", "detection."))
        self.clause_start = self.group("left", "clause.")
        self.next_sentence = self.group("next", "next.")
        self.left_role = self.group("left", "left.")
        self.not_victim_left = self.group("left", "not_victim.")
        self.town_complement = self.group("left", "town.")
        self.group_role = self.group("right", "group.")
        self.incident_words = self.cues.pattern("incident.words")
        self.list_intro = self.cues.pattern("list.intro")
        self.list_item_end = self.cues.pattern("list.item_end")  # on the text as written
        self.list_item_end_window = self.cues.cues["list.item_end"].window or 3
        self.coordination = self.cues.pattern("coordination")
        self.place_complement = self.cues.pattern("coordination.place_before")
        self.slug_not_victim = self.cues.pattern("slug.not_victim")
        self.institutional_adjective = self.cues.pattern("name.institutional_adjective")
        self.demonym = self.cues.pattern("name.demonym")
        self.dateline = self.cues.pattern("name.dateline")
        self.caption_line = self.cues.pattern("name.caption_line")
        self.place_apposition = self.cues.pattern("list.place_apposition")
        self.participle = self.cues.pattern("name.participle")
        self.headline_place = self.cues.pattern("headline.place")
        self.articles = stop.words("articles")
        self.definite = stop.words("definite_articles")
        self.connectors = stop.words("name_connectors")
        self.needs_complement = stop.words("needs_complement")
        self.not_names = stop.words("not_names")
        self.stop_names = stop.words("stop_names")
        self.describing = stop.words("describing_determiners")
        self.anaphor_determiners = stop.words("anaphor_determiners")
        self.generic_kinds = stop.words("generic_kinds")
        self.municipal_nouns = stop.words("municipal_nouns")
        self.complement_stops = stop.words("complement_stops")
        # longest first: « de nombreux » before « nombreux »
        self.group_quantifiers = sorted(
            (tuple(words.split()) for words in stop.words("group_quantifiers")), key=lambda q: (-len(q), q)
        )
        self.group_multipliers = stop.words("group_multipliers")
        self.multiplier_determiners = stop.words("multiplier_determiners")
        self.slug_stop = stop.words("slug_stop")

    def group(self, side: str, prefix: str) -> CueGroup:
        """The cues of ``side`` whose id starts with ``prefix``, in file order, with their windows."""
        return CueGroup(
            [
                (cue_id, self.cues.cues[cue_id].window, pattern)
                for cue_id, pattern in self.cues.on_side(side, prefix)
            ]
        )


@cache
def victim_rules(rules: str = DEFAULT_RULES) -> VictimRules:
    """The compiled victim rules of ``rules`` ("default" or a folder), built once per process."""
    return VictimRules(rules)


def first_cue(cues: CueGroup, context: Callable[[int | None], str]) -> str | None:
    """The id of the first cue that matches the text ``context(window)`` gives for its window."""
    if not any(pattern.search(context(window)) for window, pattern in cues.any_by_window.items()):
        return None
    for cue_id, window, pattern in cues:
        if pattern.search(context(window)):
            return cue_id
    return None


def any_cue(cues: CueGroup, text: str) -> bool:
    """Whether one of ``cues`` matches ``text`` (their windows do not apply: ``text`` is the span read)."""
    return any(pattern.search(text) for pattern in cues.any_by_window.values())


PAGE_LINE_CHARS = 200
"""Longer lines are paragraphs of the story, never a line of the page around it."""


def on_a_page_line(span: Span, rules: VictimRules) -> bool:
    """The span stands on a short line of page furniture (a byline with its edition, a breadcrumb)
    that says nothing of an attack (« X visée par une cyberattaque | Le Journal » is the title)."""
    text = text_of(span.doc)
    start = text.rfind("\n", 0, span.start_char) + 1
    end = text.find("\n", span.end_char)
    line = text[start : len(text) if end < 0 else end]
    return (
        len(line) <= PAGE_LINE_CHARS
        and looks_like_furniture(line)
        and not rules.incident_words.search(fold(line))
        and not rules.caption_line.search(line)  # a caption may name the victim
    )


def _opens_list_item(span: Span, rules: VictimRules) -> bool:
    """« \n\nMerck. Le réseau… », « \n- Maersk : … »: a name opening a paragraph, then a full stop or colon."""
    text = text_of(span.doc)
    before = text[max(0, span.start_char - 3) : span.start_char]
    after = text[span.end_char : span.end_char + rules.list_item_end_window]
    return "\n" in before and bool(rules.list_item_end.search(after))


class VictimFinder(RuleComponent):
    """Component ``incident_extract_victims``: writes ``doc.spans["ie_victims"]``."""

    rule_files: ClassVar[tuple[str, ...]] = (
        "organisations",
        "authorities",
        "people_groups",
        "victim_roles",
        "victim_cues",
        "stoplists",
    )

    factory_name = "incident_extract_victims"

    def __init__(self, nlp: Language, name: str | None = None, rules: str = DEFAULT_RULES) -> None:
        super().__init__(nlp, name, rules)
        self.vocab = nlp.vocab

    def load_rules(self, rules: str) -> None:
        self.lexicon = victim_rules(rules)
        self.organisations = load_vocabulary("organisations", rules)
        self.victim_authorities = {  # « ministère »: an authority's words that may name a victim
            e.id for e in load_vocabulary("authorities", rules).entries if e.may_be_victim
        }
        self.kind_words = {fold(t.rstrip("*")) for e in self.organisations.entries for t in e.terms}
        self.group_context = cue_regex(load_vocabulary("people_groups", rules).context, prefixes=False)
        self.dependency_matcher = DependencyMatcher(self.vocab, validate=True)
        self.victim_positions: dict[str, int] = {}
        for rule in load_dependency_rules(rules=rules).patterns:
            self.dependency_matcher.add(rule.id, [list(rule.pattern)])
            self.victim_positions[rule.id] = rule.victim_position

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        rules = self.lexicon
        excluded = self._excluded_tokens(doc)
        candidates = self._candidates(doc, excluded)
        victims = self._with_role(doc, candidates, self._dependency_roles(doc))
        victims = self._with_headline_victim(doc, candidates, victims)
        victims = self._with_listed(doc, candidates, victims)
        victims = sorted(victims + self._people_groups(doc), key=lambda s: s.start)
        self._link_fuller_names(victims, candidates)
        doc.spans[SPAN_KEYS["victims"]] = victims
        doc.spans[SPAN_KEYS["candidates"]] = [c for c in candidates if _good_name(c, rules)]
        return doc

    def _dependency_roles(self, doc: Doc) -> dict[int, str]:
        """Token index of each victim head word found by the dependency patterns -> rule id."""
        if not doc.has_annotation("DEP"):
            return {}  # blank pipeline: surface patterns only
        roles: dict[int, str] = {}
        for match_id, token_ids in self.dependency_matcher(doc):
            rule_id = doc.vocab.strings[match_id]
            victim = token_ids[self.victim_positions[rule_id]]
            roles.setdefault(victim, rule_id)
            for conj in doc[victim].conjuncts:  # « A et B ont été ciblés »
                roles.setdefault(conj.i, rule_id)
        return roles

    def _with_headline_victim(self, doc: Doc, candidates: list[Span], victims: list[Span]) -> list[Span]:
        """The organisation the URL slug names as hit, when the page has no title in the text:
        ``/cyberattaque-ministere-sports-donnees/`` or ``/lacroix-sites-fermes-apres-une-cyber-attaque/``
        make the body's « ministère des Sports » or « Lacroix » a victim, at its first mention
        with a proper name (a town is never one this way)."""
        rules = self.lexicon
        slug = fold(url_slug(doc._.ie_url))
        if not slug or not rules.incident_words.search(slug):
            return victims
        slug_tokens = _content_tokens(slug, rules)
        taken = {(v.start, v.end) for v in victims}
        named = {frozenset(_content_tokens(fold(v.text), rules)) for v in victims}
        for span in candidates:
            if (span.start, span.end) in taken or _is_place(span) or not _good_name(span, rules):
                continue
            if span._.ie_rule in ("victims.ner_loc", "victims.ner_per") or not _proper_tokens(span):
                continue
            if fold(span.text) in self.kind_words:
                continue  # « PME », « entreprises »: a kind of organisation, not a name
            tokens = _content_tokens(fold(span.text), rules)
            if not tokens or any(set(tokens) <= other for other in named):
                continue
            at = _find_run(slug_tokens, tokens)
            if at is None or not _slug_role(slug_tokens, at, len(tokens), rules):
                continue
            span._.ie_rule = f"{span._.ie_rule}+headline_slug"
            victims.append(span)
            named.add(frozenset(tokens))
        return sorted(victims, key=lambda s: s.start)

    def _with_listed(self, doc: Doc, candidates: list[Span], victims: list[Span]) -> list[Span]:
        """« Parmi les villes touchées, il y a Nantes, Angers et Pau », « Parmi les victimes, on dénombre
        notamment : » and the name that opens the next sentence: every name of the list is a victim,
        towns included (the list says they were hit)."""
        rules = self.lexicon
        taken = {(v.start, v.end) for v in victims}
        sentences = all_sentences(doc)
        text = text_of(doc)
        for n, bounds in enumerate(sentences):
            cue = rules.list_intro.search(fold(text[slice(*bounds)]))
            if cue is None:
                continue
            start = bounds[0] + cue.end()
            listed = [c for c in candidates if start <= c.start_char < bounds[1]]
            if not listed and n + 1 < len(sentences):
                following = [
                    c for c in candidates if sentences[n + 1][0] <= c.start_char < sentences[n + 1][1]
                ]
                # « … on dénombre notamment : » then one paragraph per victim, « Merck. Le … »
                end = sentences[min(n + LIST_ITEM_SENTENCES, len(sentences) - 1)][1]
                items = [
                    c for c in candidates if bounds[1] <= c.start_char < end and _opens_list_item(c, rules)
                ]
                listed = following[:1] + [c for c in items if c not in following[:1]]
            for span in listed:
                if (span.start, span.end) in taken or not _good_name(span, rules):
                    continue
                if rules.place_apposition.search(text[max(0, span.start_char - 8) : span.start_char]):
                    continue  # « la Fiduciaire X, à Luxembourg, dont… »: where the item is
                span._.ie_rule = f"{span._.ie_rule}+list"
                victims.append(span)
                taken.add((span.start, span.end))
        return sorted(victims, key=lambda s: s.start)

    def _people_groups(self, doc: Doc) -> list[Span]:
        """« des Français ont reçu un SMS frauduleux », « des milliers d'usagers ont été victimes
        d'une arnaque »: the public hit by a campaign, named with its quantifier, kind ``group``."""
        context = self.group_context
        rules = self.lexicon
        groups: list[Span] = []
        sentences = all_sentences(doc)
        for span in doc.spans.get(SPAN_KEYS["terms"], []):
            if span.label_ != "people_groups":
                continue
            start = _group_quantifier_start(doc, span.start, rules)
            if start is None:
                continue
            n = sentence_index(span)
            sent_end = sentences[n][1] if n < len(sentences) else len(text_of(doc))
            if first_cue(rules.group_role, partial(_right_of, span, sent_end)) is None:
                continue
            scope = fold(
                text_of(doc)[slice(*sentences[0])]  # the headline: « Faux SMS de remboursement : ... »
                + " "
                + text_of(doc)[slice(sentences[n][0], sentences[min(n + 1, len(sentences) - 1)][1])]
            )
            if not context.search(scope):
                continue
            group = Span(doc, start, span.end, label="group", span_id=span.id_)
            group._.ie_kind = "group"
            group._.ie_rule = "victims.people_group"
            groups.append(group)
        return groups

    def _link_fuller_names(self, victims: list[Span], candidates: list[Span]) -> None:
        """« le centre Saint-Jean » after « le centre d'oncologie Saint-Jean »: one victim, named in
        full as first written, with the sector its fuller name implies."""
        for victim in victims:
            proper = _proper_tokens(victim)
            if not proper:
                continue
            for other in candidates:
                if other.start >= victim.start or other.id_ == "" or not other.id_.startswith("org."):
                    continue
                if proper <= _proper_tokens(other) and len(other.text) > len(victim.text):
                    victim._.ie_value = other.text
                    if victim._.ie_sector is None:
                        victim._.ie_sector = other._.ie_sector
                    victim._.ie_rule = f"{victim._.ie_rule}+alias"
                    break

    def _excluded_tokens(self, doc: Doc) -> tuple[set[int], set[int]]:
        """Tokens never part of a victim (authorities, attackers, responders), and tokens that are
        not a victim on their own (a system or attack word: « l'ENT », « Logistique » is fine in
        « Transalp Logistique »)."""
        never: set[int] = set()
        not_alone: set[int] = set()
        for span in [*doc.spans.get(SPAN_KEYS["terms"], []), *doc.spans.get(SPAN_KEYS["actors"], [])]:
            if span.label_ == "authorities" and span.id_ in self.victim_authorities:
                continue
            if span.label_ in ("authorities", "threat_actors", "responders"):
                never.update(range(span.start, span.end))
        # an impact word names a thing even where its context fails (« l'ENT »): read them all
        for span in doc.spans.get(SPAN_KEYS["all_terms"], []):
            if span.label_ in IMPACT_FIELDS:
                not_alone.update(range(span.start, span.end))
        return never, not_alone

    def _candidates(self, doc: Doc, excluded: tuple[set[int], set[int]]) -> list[Span]:
        """Organisation noun phrases, then entities, then capitalised runs; the longest of overlapping
        ones, none on an excluded token."""
        found: dict[tuple[int, int], Span] = {}
        self._kind_candidates(doc, found)
        self._name_candidates(doc, found)
        never, not_alone = excluded
        actors = {  # an attacker named once by its pattern is no victim at its other mentions either
            fold(s.text)
            for s in [*doc.spans.get(SPAN_KEYS["terms"], []), *doc.spans.get(SPAN_KEYS["actors"], [])]
            if s.label_ in ("threat_actors", "responders")
        }
        spans = [
            s
            for s in found.values()
            if never.isdisjoint(range(s.start, s.end))
            and not not_alone.issuperset(range(s.start, s.end))
            and fold(s.text) not in actors
            and not looks_like_furniture(s.text)  # « Suivez notre direct · Activer les notifications »
            and not on_a_page_line(s, self.lexicon)  # « Par D. Colin · Le 13 novembre · Édition d'Épinal »
            and not self.is_dateline(s)
        ]
        return _longest_first(spans)

    def is_dateline(self, span: Span) -> bool:
        """« GENÈVE (ATS) - La clinique… »: the town and agency of a dispatch, never a victim."""
        return bool(self.lexicon.dateline.match(text_of(span.doc)[span.end_char : span.end_char + 30]))

    def _kind_candidates(self, doc: Doc, found: dict[tuple[int, int], Span]) -> None:
        """« la mairie de Chaville », an unnamed mairie of the headline town, an anaphor (« l'éditeur »)."""
        rules = self.lexicon
        kinds = [s for s in doc.spans.get(SPAN_KEYS["terms"], []) if s.label_ == "organisations"]
        kinds.sort(key=lambda s: (s.id_ == "org.generique", -(s.end - s.start)))  # specific kinds first
        for span in kinds:
            entry = self.organisations.entry(span.id_)
            candidate = self._extend(doc, span, entry.standalone)
            if (
                candidate is None
                and span.text.lower() in rules.municipal_nouns
                and (town := _headline_town(doc, rules))
            ):
                # « le site de la mairie paralysé » in an article about one town: the town's mairie
                unnamed = Span(doc, span.start, span.end, label="organization", span_id=span.id_)
                unnamed._.ie_value = f"{span.text} de {town}"
                unnamed._.ie_sector = entry.value
                unnamed._.ie_rule = "victims.unnamed_municipality"
                found.setdefault((span.start, span.end), unnamed)
                continue
            if candidate is None and _is_anaphor(doc, span, rules):
                # « l'éditeur », « la société »: a definite generic noun standing for a named organisation
                anaphor = Span(doc, span.start, span.end, label="organization", span_id=span.id_)
                anaphor._.ie_sector = None if entry.value == "none" else entry.value
                anaphor._.ie_rule = "victims.anaphor"
                found.setdefault((span.start, span.end), anaphor)
                continue
            if candidate is None or candidate in found:
                continue
            describing = rules.describing if entry.standalone else rules.describing | {"des"}
            if span.start > 0 and doc[span.start - 1].lower_ in describing:
                continue  # « une clinique de Saint-Étienne » describes; the name comes elsewhere
            candidate = Span(doc, candidate[0], candidate[1], label="organization", span_id=span.id_)
            candidate._.ie_sector = None if entry.value == "none" else entry.value
            candidate._.ie_rule = f"victims.{span.id_}"
            found.setdefault((candidate.start, candidate.end), candidate)

    def _name_candidates(self, doc: Doc, found: dict[tuple[int, int], Span]) -> None:
        """Entities of the model (``victims.ner_org``...) and capitalised runs it missed."""
        rules = self.lexicon
        for ent in doc.ents:
            if ent.label_ in ("ORG", "MISC", "PER", "LOC") and _good_name(ent, rules):
                start, end = _trim(doc, ent.start, ent.end, rules)
                if start < end and (start, end) not in found:
                    span = Span(doc, start, end, label="organization")
                    span._.ie_rule = f"victims.ner_{ent.label_.lower()}"
                    found.setdefault((start, end), span)
        for start, end in _capitalised_runs(doc, rules):
            if (start, end) in found:
                continue
            span = Span(doc, start, end, label="organization")
            span._.ie_rule = "victims.proper_noun"
            found.setdefault((start, end), span)

    def _extend(self, doc: Doc, kind: Span, standalone: bool = False) -> tuple[int, int] | None:
        """``mairie`` -> ``mairie de Chaville``; None when no name follows a common noun, unless
        the noun names one institution by itself (``la présidence``, ``les services publics
        sénégalais``: ``standalone`` in the vocabulary)."""
        rules = self.lexicon
        i = kind.end
        while (
            i < len(doc)
            and i - kind.end < 3
            and (
                rules.institutional_adjective.match(doc[i].text)
                or (doc[i].is_lower and (doc[i].pos_ == "ADJ" or rules.demonym.search(doc[i].text)))
            )
        ):
            i += 1
        official = kind[0].text[:1].isupper() and not starts_sentence(kind[0])
        name_end = proper_run(doc, i, rules)
        if name_end == i:
            j = _lowercase_complement(doc, i, rules)
            if j > i and proper_run(doc, j, rules) > j:
                return kind.start, proper_run(doc, j, rules)  # l'éditeur de logiciels médicaux Weda
        if name_end == i and i < len(doc) and doc[i].lower_ in ("de", "du", "des", "d'", "d’"):
            j = i + 1
            if j < len(doc) and doc[j].lower_ in ("la", "l'", "l’", "les"):
                j += 1
            name_end = proper_run(doc, j, rules)
            if name_end == j and official and j < len(doc) and doc[j].is_lower and doc[j].is_alpha:
                name_end = j + 1  # Fédération française de voile
            if name_end == j:
                name_end = i
        if name_end > i:
            return kind.start, name_end
        text = kind.text
        if i > kind.end and official:
            return kind.start, i  # Assemblée nationale-like official names
        if (
            text[:1].isupper()
            and len(text) >= 3
            and text not in rules.needs_complement
            and not starts_sentence(kind[0])
        ):
            return kind.start, kind.end
        if text.isupper() and len(text) >= 3 and text not in rules.needs_complement:
            return kind.start, kind.end
        if standalone and kind.start > 0 and doc[kind.start - 1].lower_ in rules.definite:
            return kind.start, i
        return None

    def _with_role(self, doc: Doc, candidates: list[Span], roles: dict[int, str]) -> list[Span]:
        """Candidates with a victim's role (``roles``: the dependency patterns' victims of this doc);
        the rule that gave the role is appended to the candidate's rule."""
        rules = self.lexicon
        victims: list[Span] = []
        for span in candidates:
            if not _good_name(span, rules):
                continue
            role = self._has_role(doc, span, roles)
            if not role:
                continue
            span._.ie_rule = f"{span._.ie_rule}+{role}"
            if span._.ie_rule.startswith("victims.anaphor"):
                antecedent = _antecedent(span, candidates, rules)
                if antecedent is None:
                    continue
                span._.ie_value = antecedent.text
            victims.append(span)
        self._with_coordinated(doc, candidates, victims)
        return sorted(victims, key=lambda s: s.start)

    def _with_coordinated(self, doc: Doc, candidates: list[Span], victims: list[Span]) -> None:
        """« A et B ont été ciblés », « victimes : A, B et C »: a candidate coordinated with a victim
        of its sentence is one too (added to ``victims``)."""
        rules = self.lexicon
        names = {(v.start, v.end) for v in victims}
        changed = True
        while changed:
            changed = False
            for span in candidates:
                if (span.start, span.end) in names or not _good_name(span, rules) or _is_place(span):
                    continue
                if rules.place_complement.search(
                    fold(text_of(doc)[max(0, span.start_char - 5) : span.start_char])
                ):
                    continue  # « Morval à Lyon et Cophalis »: « Lyon » is the place of a victim
                for victim in victims:
                    if sentence_index(victim) != sentence_index(span):
                        continue
                    left, right = (span, victim) if span.end <= victim.start else (victim, span)
                    between = fold(text_of(doc)[left.end_char : right.start_char])
                    if rules.coordination.match(between):
                        span._.ie_rule = f"{span._.ie_rule}+coordination"
                        victims.append(span)
                        names.add((span.start, span.end))
                        changed = True
                        break

    def _has_role(self, doc: Doc, span: Span, roles: dict[int, str]) -> str | None:
        """What puts the candidate in a victim's role: a dependency pattern's id, or ``cue:<id>`` of
        the victim cue that matched (``cue:right.passive``); None when nothing does."""
        rules = self.lexicon
        sent_start, sent_end = sentence_of(span)
        left = cache(partial(_left_of, span, sent_start))
        right = cache(partial(_right_of, span, sent_end))
        if first_cue(rules.not_victim_left, left) is not None:
            return None

        def says_incident() -> bool:
            return bool(rules.incident_words.search(fold(text_of(doc)[sent_start:sent_end])))

        syntactic = next((roles[t.i] for t in span if t.i in roles), None)
        if syntactic and span._.ie_rule != "victims.ner_loc" and says_incident():
            return syntactic
        cue = first_cue(rules.right_role, right)
        if span._.ie_rule == "victims.ner_loc":
            # a town is a victim only when the sentence says so outright (« Amiens, cible d'une
            # tentative de piratage »), never through « les habitants de X » or « chez X », and not
            # as a complement: « un établissement de santé de l'Oise est visé », « la clinique, à Vichy, »
            complement = first_cue(rules.town_complement, left)
            return f"cue:{cue}" if cue and says_incident() and complement is None else None
        if cue is None and (span.id_.startswith("org.") or span._.ie_rule == "victims.anaphor"):
            cue = first_cue(rules.right_role_after_noun, right)
        if cue is None and (event := first_cue(rules.right_event, right)):
            cue = event if first_cue(rules.clause_start, left) is not None else None
        if cue is None:
            cue = first_cue(rules.left_role, left)
            if cue is not None and not says_incident():
                return None
        if cue is None and _named_subject(span) and first_cue(rules.clause_start, left) is not None:
            following = cache(partial(_next_sentence, span))
            cue = first_cue(rules.next_sentence, following)
            if cue is not None and not (says_incident() or rules.incident_words.search(following(None))):
                return None  # « Ses sites ont été perturbés par la grève »: no attack
        return None if cue is None else f"cue:{cue}"


def _group_quantifier_start(doc: Doc, i: int, rules: VictimRules) -> int | None:
    """Start of « des » / « de nombreux » / « des milliers de » before token ``i``, else None."""
    j = i
    if j >= 2 and doc[j - 1].lower_ in ("de", "d'", "d’") and doc[j - 2].lower_ in rules.group_multipliers:
        j -= 2  # « milliers de »
        if j >= 1 and doc[j - 1].lower_ in rules.multiplier_determiners:
            return j - 1
        return None
    for words in rules.group_quantifiers:
        k = j - len(words)
        if k >= 0 and tuple(t.lower_ for t in doc[k:j]) == words:
            return k
    return None


def _content_tokens(folded: str, rules: VictimRules) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9]+", folded) if t not in rules.slug_stop]


def _find_run(tokens: list[str], run: list[str]) -> int | None:
    for i in range(len(tokens) - len(run) + 1):
        if tokens[i : i + len(run)] == run:
            return i
    return None


def _slug_role(tokens: list[str], at: int, length: int, rules: VictimRules) -> bool:
    """In a slug without its little words, a name is the victim when an attack word comes right
    before it (« cyberattaque ministere sports ») or a few words after it and the name is not the
    subject of a warning or a claim (« lacroix sites fermes apres cyber attaque »)."""
    attack = [i for i, t in enumerate(tokens) if rules.incident_words.match(t)]
    after = at + length
    if any(rules.slug_not_victim.match(t) for t in tokens[after : after + 2]):
        return False
    return any(at - 2 <= i < at or after <= i <= after + 5 for i in attack)


def _is_anaphor(doc: Doc, kind: Span, rules: VictimRules) -> bool:
    """« l'éditeur », « la société », « cet hôpital »: a singular generic noun with a definite or
    demonstrative article, and no name after it."""
    text = kind.text
    return (
        kind.start > 0
        and doc[kind.start - 1].lower_ in rules.anaphor_determiners
        and text.islower()
        and not text.endswith(("s", "x"))
        and text not in rules.municipal_nouns
    )


def _antecedent(anaphor: Span, candidates: list[Span], rules: VictimRules) -> Span | None:
    """The named organisation an anaphor stands for: of the named candidates before it (not places,
    not other anaphors), the one the article names most often, then one with an organisation noun
    (« le groupe Vallon » rather than a bare name), then the nearest."""
    counts: dict[str, int] = {}
    first: dict[str, Span] = {}
    last: dict[str, int] = {}
    not_place: set[str] = set()  # the model may call a little-known firm a place, but not every time
    for span in candidates:
        if span.start >= anaphor.start:
            break
        if span._.ie_rule.startswith(("victims.anaphor", "victims.ner_per")) or not _proper_tokens(span):
            continue  # a person is no antecedent of « l'entreprise »
        if anaphor.id_ not in rules.generic_kinds and span.id_ != anaphor.id_:
            continue  # « l'hôpital » stands for a hospital; « l'entreprise » for any organisation
        start, _ = sentence_of(span)
        if span.id_ == "org.media" or any_cue(
            rules.not_victim_left, fold(text_of(span.doc)[start : span.start_char])
        ):
            continue  # the newspaper that reports it
        key = " ".join(sorted(_proper_tokens(span)))
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, span)  # named in full the first time
        last[key] = span.start
        if not _is_place(span):
            not_place.add(key)
    keys = [k for k in counts if k in not_place]
    if not keys:
        return None
    return first[max(keys, key=lambda k: (counts[k], first[k].id_.startswith("org."), last[k]))]


def _lowercase_complement(doc: Doc, i: int, rules: VictimRules) -> int:
    """End of ``de linge de maison`` / ``de logiciels médicaux`` after an organisation noun."""
    j = i
    if j + 1 < len(doc) and doc[j].lower_ == "et" and doc[j + 1].lower_ in ("de", "d'", "d’", "du", "des"):
        j += 1  # « l'étude d'avocats et de notaires X »
    if j < len(doc) and doc[j].lower_ in ("de", "d'", "d’", "du", "des", "en"):
        j += 1
        words = 0
        # « de logiciels de paie et de gestion des ressources humaines Paylis »: nouns, adjectives and
        # « de », « et »; a verb, a participle or another preposition (« installée à Laval ») ends it
        while (
            j < len(doc)
            and words < 10
            and (
                (
                    doc[j].is_lower
                    and (doc[j].is_alpha or "-" in doc[j].text)
                    and doc[j].lower_ not in rules.complement_stops
                    and not rules.participle.search(doc[j].lower_)
                )
                or doc[j].lower_ in ("d'", "d’", "-")
            )
        ):
            j += 1
            words += 1
        return j if words else i
    return i


def proper_run(doc: Doc, i: int, rules: VictimRules | None = None) -> int:
    """End of a run of capitalised words (with inner connectors) starting at token i.

    A capitalised article opens a name when a name follows (« La Sagesse », « Le Progrès »).
    Without ``rules``, the shipped stop lists.
    """
    rules = rules or victim_rules()
    end = i
    j = i
    if (
        i + 1 < len(doc)
        and doc[i].text in ("La", "Le", "Les", "L'", "L’")
        and _is_name_token(doc[i + 1], rules)
        and not starts_sentence(doc[i])
    ):
        j = i + 1
    while j < len(doc):
        token = doc[j]
        if _is_name_token(token, rules):
            j += 1
            end = j
        elif (
            token.lower_ in rules.connectors
            and end > i
            and not (token.text in ("-", "–") and doc[j - 1].whitespace_)  # « EN DIRECT - Panne »: a break
            and j + 1 < len(doc)
            and (_is_name_token(doc[j + 1], rules) or doc[j + 1].lower_ in ("la", "l'", "l’", "le", "les"))
        ):
            j += 1
        elif token.like_num and end > i:
            j += 1
            end = j
        else:
            break
    return end


def _is_name_token(token: Token, rules: VictimRules) -> bool:
    text = token.text
    return (
        text[:1].isupper()
        and any(c.isalpha() for c in text)
        and not token.is_stop
        and fold(text) not in rules.not_names
    )


def _capitalised_runs(doc: Doc, rules: VictimRules) -> Iterator[tuple[int, int]]:
    """Runs of capitalised tokens not at a sentence start (names the model may have missed)."""
    i = 0
    while i < len(doc):
        token = doc[i]
        if (
            _is_name_token(token, rules)
            and not starts_sentence(token)
            and (i == 0 or doc[i - 1].text not in (".", "\n"))
        ):
            end = proper_run(doc, i, rules)
            if end > i:
                yield i, end
                i = end
                continue
        i += 1


def _headline_town(doc: Doc, rules: VictimRules) -> str | None:
    """The town an article is about: « Saint-Martin-de-Cressac : ... » in the headline, else the
    first place the model finds in the first two sentences."""
    first_line = text_of(doc).split("\n", 1)[0]
    m = rules.headline_place.match(first_line)
    # « Essonne : ... » over « Morsang-les-Bois (Essonne) »: a département, not the town
    if m and not rules.incident_words.search(fold(m.group(1))) and not _is_departement(doc, m.group(1)):
        return m.group(1)
    starts = sentence_starts(doc)
    limit = starts[2] if len(starts) > 2 else len(text_of(doc))
    return next(
        (
            e.text
            for e in doc.ents
            if e.label_ == "LOC"
            and e.end_char <= limit
            and e.text[:1].isupper()
            and not _is_departement(doc, e.text)
            and not rules.incident_words.search(fold(e.text))  # « Cyberattaque : » is no town
        ),
        None,
    )


def _is_departement(doc: Doc, place: str) -> bool:
    """« Morsang-les-Bois (Essonne) », « dans le Gers »: the text writes it as a département or a
    region, not as the town of a mairie."""
    text = text_of(doc)
    return (
        f"({place})" in text
        or re.search(r"(?i:\bdans\s+(?:le|la|les|l['’]))\s*" + re.escape(place), text) is not None
    )


def _proper_tokens(span: Span) -> set[str]:
    """The capitalised words of a name, folded: what two mentions of one organisation share."""
    return {
        fold(part)
        for t in span
        if t.text[:1].isupper() and not t.is_stop
        for part in t.text.split("-")
        if part.isalpha()
    }


def _is_place(span: Span) -> bool:
    """A place in a list is a dateline or a location, not a coordinated victim (« En Côte-d'Or, la mairie »)."""
    if span.id_.startswith("org.") or any(
        s.label_ == "organisations" and span.start <= s.start < span.end
        for s in span.doc.spans.get(SPAN_KEYS["terms"], [])
    ):
        return False  # « hôpital Saint-Antoine » is an organisation even when the model calls it LOC
    return any(e.label_ == "LOC" and e.start <= span.start and span.end <= e.end for e in span.doc.ents)


def _trim(doc: Doc, start: int, end: int, rules: VictimRules) -> tuple[int, int]:
    while start < end and (
        doc[start].lower_ in rules.articles or (doc[start].is_punct and doc[start].text != "(")
    ):
        start += 1
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in (")",)):
        end -= 1
    return start, end


def _good_name(span: Span, rules: VictimRules) -> bool:
    text = span.text.strip()
    if len(text) < 2 or "\n" in text:
        return False
    if fold(text) in rules.stop_names or text.count("(") != text.count(")"):
        return False
    return any(c.isupper() for c in text) or any(c.isalpha() for c in text[:1])


def _left_of(span: Span, sent_start: int, window: int | None) -> str:
    """The folded text of the sentence before ``span``, its last ``window`` characters at most."""
    start = sent_start if window is None else max(sent_start, span.start_char - window)
    return fold(text_of(span.doc)[start : span.start_char])


def _named_subject(span: Span) -> bool:
    """An organisation's name opening a clause can be the « Ses serveurs... » of the next sentence;
    a place or a person the model found cannot (« Dakar. Ses rues... »)."""
    return not (span._.ie_rule or "").startswith(("victims.ner_loc", "victims.ner_per"))


def _next_sentence(span: Span, window: int | None) -> str:
    """The folded start of the sentence after ``span``'s (its first ``window`` characters)."""
    sentences = all_sentences(span.doc)
    n = sentence_index(span) + 1
    if n >= len(sentences):
        return ""
    start, end = sentences[n]
    end = end if window is None else min(end, start + window)
    return fold(text_of(span.doc)[start:end])


def _right_of(span: Span, sent_end: int, window: int | None) -> str:
    """The folded text of the sentence after ``span``, its first ``window`` characters at most."""
    end = sent_end if window is None else min(sent_end, span.end_char + window)
    return fold(text_of(span.doc)[span.end_char : end])


def _longest_first(spans: list[Span]) -> list[Span]:
    """Of overlapping spans, the longest (then the first), in text order."""
    spans = sorted(spans, key=lambda s: (-(s.end - s.start), s.start))
    kept: list[Span] = []
    taken: set[int] = set()
    for span in spans:
        if taken.isdisjoint(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start)
