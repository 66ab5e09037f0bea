"""Victims by role, not by entity type.

Candidates are organisation noun phrases (``la mairie de Chaville``, ``le groupe CERP
Bretagne Atlantique``, from the ``organisations`` vocabulary) and named entities (ORG/MISC
from the model, or capitalised runs). A candidate is a victim only when the sentence puts it
in a victim's role: ``X, victime d'une cyberattaque``, ``X a été piraté``, ``une cyberattaque a
touché X``, ``les données de X``, ``chez X``, or coordinated with a victim (``A et B ont été
ciblés``). Authorities, attackers and responders never are.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..rules_io import fold, load_vocabulary
from .extensions import SPAN_KEYS, guarded

ARTICLES = {
    "le",
    "la",
    "les",
    "l'",
    "l’",
    "un",
    "une",
    "des",
    "du",
    "de",
    "d'",
    "d’",
    "ce",
    "cette",
    "ces",
    "son",
    "sa",
    "ses",
}
CONNECTORS = {
    "de",
    "du",
    "des",
    "d'",
    "d’",
    "la",
    "le",
    "les",
    "l'",
    "l’",
    "sur",
    "en",
    "lès",
    "-",
    "&",
    "et",
    "à",
    "aux",
    "'",
}
INSTITUTIONAL_ADJECTIVES = re.compile(
    r"^(fran[cç]ais|national|r[ée]gional|d[ée]partemental|municipal|intercommunal|universitaire|priv[ée]|"
    r"public|publique|mutualiste|territorial|international|europ[ée]en|am[ée]ricain|g[ée]n[ée]ral|"
    r"hospitalier|sp[ée]cialis[ée]|p[ée]diatrique|psychiatrique|communal|local|central|parisien|"
    r"m[ée]tropolitain|interd[ée]partemental|technologique|catholique|ind[ée]pendant|sportif|"
    r"informatique|pharmaceutique|industriel|agricole|culturel|nordique)s?e?s?$",
    re.IGNORECASE,
)
NEEDS_COMPLEMENT = {
    "CH",
    "CHU",
    "CHR",
    "CHRU",
    "CHI",
    "GHT",
    "CAF",
    "CPAM",
    "GCS",
    "EHPAD",
    "Ehpad",
    "IUT",
    "CROUS",
    "Crous",
    "État",
    "Gouvernement",
    "CEA",
}
STOP_NAMES = {
    "france",
    "internet",
    "afp",
    "etat",
    "gouvernement",
    "cnil",
    "anssi",
    "ars",
    "police",
    "gendarmerie",
    "parquet",
    "europe",
    "cyberattaque",
    "linkedin",
    "twitter",
    "facebook",
    "x",
    "telegram",
    "google",
    "microsoft",
    "dark web",
    "darkweb",
    "rgpd",
    "covid",
    "covid-19",
}

# Role cues, on accent-folded lowercase text. RIGHT: what follows the candidate; LEFT: what precedes it.
_PASSIVE = (
    r"(?:pirat|hack|vis|touch|cibl|attaqu|frapp|paralys|infect|compromis|bloqu|rançonn|ranconn|perturb|"
    r"affect|impact|pris\s+pour\s+cible|mis\s+a\s+l'arret|mis\s+hors\s+service|chiffr|victime|cible|"
    r"subi|la\s+cible|confront|fait\s+face|fait\s+l'objet|essuy|vis[ée]|paralys)"
)
RIGHT_ROLE = re.compile(
    r"^\s*(?:\([^)]{1,60}\)\s*)?,?\s*(?:qui\s+|elle-meme\s+|lui-meme\s+)?"
    r"(?:(?:a|ont|avait|avaient|aurait|auraient|est|sont|serait|seraient|etait|etaient|a\s+ete|ont\s+ete|"
    r"avait\s+ete|aurait\s+ete|auraient\s+ete|avaient\s+ete|se\s+(?:re)?trouvee?s?|s'est\s+(?:re)?trouvee?s?|"
    r"vient\s+d'etre|viennent\s+d'etre|a\s+fait|ont\s+fait|fait|font|subit|subissent)\s+)?"
    r"(?:(?:deja|egalement|aussi|elle\s+aussi|lui\s+aussi|a\s+son\s+tour|a\s+leur\s+tour|recemment|"
    r"notamment|a\s+nouveau|de\s+nouveau|encore|massivement|durement|fortement|gravement|ete)\s+)*" + _PASSIVE
)
LEFT_ROLE = re.compile(
    r"(?:"
    r"(?:cyber-?attaques?|attaques?(?:\s+informatiques?)?|piratages?|intrusions?|fuites?\s+de\s+donnees|"
    r"vols?\s+de\s+donnees|rancongiciels?|ransomwares?|incidents?(?:\s+de\s+cybersecurite|\s+cyber)?|"
    r"compromissions?|offensives?)"
    r"(?:\s+(?:informatiques?|massives?|majeures?|d'ampleur|de\s+grande\s+ampleur|importantes?|"
    r"d'envergure|recentes?|sans\s+precedent))*"
    r"\s+(?:contre|visant|chez|de|du|des|d'|touchant|ciblant|subie?s?\s+par|qui\s+a\s+(?:touche|vise|frappe|paralyse)|"
    r"ayant\s+(?:touche|vise|frappe|paralyse)|dont\s+(?:a|ont)\s+ete\s+victimes?|a|au|aux)"
    r"|(?:a|ont|avait|avaient|aurait|auraient|vient\s+de|viennent\s+de)\s+(?:\w+\s+){0,2}?"
    r"(?:touche|vise|frappe|paralyse|cible|affecte|perturbe|impacte|bloque|pirate|attaque|infecte|"
    r"compromis|mis\s+a\s+l'arret|mis\s+hors\s+service|mis\s+a\s+mal|pris\s+pour\s+cible|hacke|ranconne)"
    r"|(?:touchant|visant|ciblant|paralysant|frappant|affectant|perturbant|impactant|piratant)"
    r"|(?:victimes?\s*(?::|,|comme|dont|parmi\s+lesquelles|parmi\s+lesquels|notamment)?)"
    r"|(?:donnees|informations|serveurs|systemes?|reseaux?|site|sites|messagerie|fichiers|patients|"
    r"adherents|clients|comptes|ordinateurs|postes|infrastructures?|outils|logiciels?|plateformes?|"
    r"usagers|salaries|agents|employes|licencies|etudiants)(?:\s+[\w'-]+){0,2}?\s+(?:de|du|des|d')"
    r"|chez|(?:hackers|pirates|cybercriminels)\s+(?:ont|s'en\s+sont\s+pris\s+a|s'en\s+prennent\s+a)"
    r"|s'en\s+(?:sont\s+)?pris\s+a|s'en\s+prend\s+a|s'en\s+prennent\s+a"
    r")"
    r"\s*(?:[\w-]+\s+){0,2}?(?:la|le|les|l'|un|une|des|plusieurs|nombreux|nombreuses|certains|certaines)?\s*$"
)
NOT_VICTIM_LEFT = re.compile(
    r"(?:selon|d'apres|explique|indique|precise|annonce|rapporte|affirme|assure|souligne|a\s+declare|"
    r"aupres\s+de|avec\s+l'aide\s+de|accompagne\s+par|aide\s+par|epaule\s+par|par\s+le\s+groupe|"
    r"revendiquee?\s+par|signale\s+a|plainte\s+aupres)\s*(?:[\w-]+\s+){0,2}?(?:la|le|les|l')?\s*$"
)
INCIDENT_WORDS = re.compile(
    r"cyber|attaqu|pirat|hack|rancon|intrusion|fuite|vol\b|vole|derob|exfiltr|compromi|ddos|deni\s+de\s+service|"
    r"malveillant|hameconn|phishing|escroqu|incident|victime"
)
COORDINATION = re.compile(r"^\s*(?:,|et|ou|ainsi\s+que|,\s*et|comme)\s*(?:la|le|les|l'|sa|son|ses)?\s*$")


class VictimFinder:
    """Component ``incident_extract_victims``: writes ``doc.spans["ie_victims"]``."""

    def __init__(self, nlp: Language, name: str = "incident_extract_victims") -> None:
        self.name = name
        self.organisations = load_vocabulary("organisations")

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        excluded = self._excluded_tokens(doc)
        candidates = self._candidates(doc, excluded)
        victims = self._with_role(doc, candidates)
        doc.spans[SPAN_KEYS["victims"]] = victims
        return doc

    def _excluded_tokens(self, doc: Doc) -> set[int]:
        """Tokens of authorities, attackers and responders: never part of a victim."""
        out: set[int] = set()
        for span in doc.spans.get(SPAN_KEYS["terms"], []):
            if span.label_ in ("authorities", "threat_actors", "responders"):
                out.update(range(span.start, span.end))
        return out

    def _candidates(self, doc: Doc, excluded: set[int]) -> list[Span]:
        found: dict[tuple[int, int], Span] = {}
        for span in doc.spans.get(SPAN_KEYS["terms"], []):
            if span.label_ != "organisations":
                continue
            entry = self.organisations.entry(span.id_)
            candidate = self._extend(doc, span)
            if candidate is None or candidate in found:
                continue
            candidate = Span(doc, candidate[0], candidate[1], label="organization", span_id=span.id_)
            candidate._.ie_sector = None if entry.value == "none" else entry.value
            candidate._.ie_rule = f"victims.{span.id_}"
            found.setdefault((candidate.start, candidate.end), candidate)
        for ent in doc.ents:
            if ent.label_ in ("ORG", "MISC", "PER") and _good_name(ent):
                start, end = _trim(doc, ent.start, ent.end)
                if start < end and (start, end) not in found:
                    span = Span(doc, start, end, label="organization")
                    span._.ie_rule = f"victims.ner_{ent.label_.lower()}"
                    found.setdefault((start, end), span)
        for start, end in _capitalised_runs(doc):
            if (start, end) in found:
                continue
            span = Span(doc, start, end, label="organization")
            span._.ie_rule = "victims.proper_noun"
            found.setdefault((start, end), span)
        spans = [s for s in found.values() if not excluded.intersection(range(s.start, s.end))]
        # keep the longest of overlapping candidates
        spans.sort(key=lambda s: (-(s.end - s.start), s.start))
        kept: list[Span] = []
        taken: set[int] = set()
        for span in spans:
            if taken.isdisjoint(range(span.start, span.end)):
                kept.append(span)
                taken.update(range(span.start, span.end))
        return sorted(kept, key=lambda s: s.start)

    def _extend(self, doc: Doc, kind: Span) -> tuple[int, int] | None:
        """``mairie`` -> ``mairie de Chaville``; None when no name follows a common noun."""
        i = kind.end
        while i < len(doc) and INSTITUTIONAL_ADJECTIVES.match(doc[i].text):
            i += 1
        official = kind[0].text[:1].isupper() and not kind[0].is_sent_start
        name_end = _proper_run(doc, i)
        if name_end == i and i < len(doc) and doc[i].lower_ in ("de", "du", "des", "d'", "d’"):
            j = i + 1
            if j < len(doc) and doc[j].lower_ in ("la", "l'", "l’", "les"):
                j += 1
            name_end = _proper_run(doc, j)
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
            and text not in NEEDS_COMPLEMENT
            and not kind[0].is_sent_start
        ):
            return kind.start, kind.end
        if text.isupper() and len(text) >= 3 and text not in NEEDS_COMPLEMENT:
            return kind.start, kind.end
        return None

    def _with_role(self, doc: Doc, candidates: list[Span]) -> list[Span]:
        victims: list[Span] = []
        for span in candidates:
            if not _good_name(span):
                continue
            if self._has_role(doc, span):
                victims.append(span)
        # coordination: A et B ont été ciblés / victimes : A, B et C
        names = {(v.start, v.end) for v in victims}
        changed = True
        while changed:
            changed = False
            for span in candidates:
                if (span.start, span.end) in names or not _good_name(span):
                    continue
                for victim in victims:
                    if victim.sent.start != span.sent.start:
                        continue
                    left, right = (span, victim) if span.end <= victim.start else (victim, span)
                    between = fold(doc.text[left.end_char : right.start_char])
                    if COORDINATION.match(between):
                        span._.ie_rule = f"{span._.ie_rule}+coordination"
                        victims.append(span)
                        names.add((span.start, span.end))
                        changed = True
                        break
        return sorted(victims, key=lambda s: s.start)

    def _has_role(self, doc: Doc, span: Span) -> bool:
        sent = span.sent
        left = fold(doc.text[max(sent.start_char, span.start_char - 90) : span.start_char])
        right = fold(doc.text[span.end_char : min(sent.end_char, span.end_char + 110)])
        if NOT_VICTIM_LEFT.search(left):
            return False
        if RIGHT_ROLE.match(right):
            return True
        if LEFT_ROLE.search(left):
            return bool(INCIDENT_WORDS.search(fold(sent.text)))
        return False


def _proper_run(doc: Doc, i: int) -> int:
    """End of a run of capitalised words (with inner connectors) starting at token i."""
    end = i
    j = i
    while j < len(doc):
        token = doc[j]
        if _is_name_token(token):
            j += 1
            end = j
        elif (
            token.lower_ in CONNECTORS
            and end > i
            and j + 1 < len(doc)
            and (_is_name_token(doc[j + 1]) or doc[j + 1].lower_ in ("la", "l'", "l’", "le", "les"))
        ):
            j += 1
        elif token.like_num and end > i:
            j += 1
            end = j
        else:
            break
    return end


def _is_name_token(token) -> bool:
    text = token.text
    return (text[:1].isupper() and any(c.isalpha() for c in text)) and fold(text) not in {"le", "la", "les"}


def _capitalised_runs(doc: Doc):
    """Runs of capitalised tokens not at a sentence start (names the model may have missed)."""
    i = 0
    while i < len(doc):
        token = doc[i]
        if (
            _is_name_token(token)
            and not token.is_sent_start
            and (i == 0 or doc[i - 1].text not in (".", "\n"))
        ):
            end = _proper_run(doc, i)
            if end > i:
                yield i, end
                i = end
                continue
        i += 1


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and doc[start].lower_ in ARTICLES:
        start += 1
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in (")",)):
        end -= 1
    return start, end


def _good_name(span: Span) -> bool:
    text = span.text.strip()
    if len(text) < 2 or "\n" in text:
        return False
    if fold(text) in STOP_NAMES:
        return False
    return any(c.isupper() for c in text) or any(c.isalpha() for c in text[:1])
