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
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Span

from ..rules_io import fold, load_dependency_rules, load_vocabulary
from .cues import cue_regex
from .extensions import SPAN_KEYS, guarded
from .framing import url_slug
from .sentences import all_sentences, sentence_index, sentence_of, sentence_starts, starts_sentence, text_of

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
DEFINITE = {"le", "la", "les", "l'", "l’", "du", "des", "au", "aux"}
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
DEMONYM = re.compile(r"(?:ais|aise|ien|ienne|ois|oise|ain|aine|ard|arde|ais)s?$")
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
NOT_NAMES = {
    "le",
    "la",
    "les",
    "lors",
    "selon",
    "depuis",
    "apres",
    "avant",
    "pendant",
    "cela",
    "ceci",
    "comme",
    "mais",
    "pour",
    "dans",
    "chez",
    "contacte",
    "interroge",
    "publicite",
    "nis",
    "rgpd",
    "covid",
    "ia",
}
STOP_NAMES = {
    "premiere",  # « Deuxième victime, le collège X »
    "deuxieme",
    "troisieme",
    "seconde",
    "derniere",
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
    "sms",
    "darknet",
}

# Role cues, on accent-folded lowercase text. RIGHT: what follows the candidate; LEFT: what precedes it.
# Voice matters: « X a été piraté » makes X a victim, « X a frappé » does not. Participles of attack
# verbs need être (or nothing: « X, piratée samedi »); avoir only goes with « subi », « fait face »...
_AUX_ETRE = (
    r"(?:est|sont|etait|etaient|serait|seraient|sera|seront|reste|restent|demeure|a\s+ete|ont\s+ete|"
    r"avait\s+ete|avaient\s+ete|aurait\s+ete|auraient\s+ete|aurait\s+pu\s+etre|se\s+(?:re)?trouvee?s?|"
    r"s'est\s+(?:re)?trouvee?s?|vient\s+d'etre|viennent\s+d'etre)"
)
_AUX_AVOIR = r"(?:a|ont|avait|avaient|aurait|auraient|vient\s+de|viennent\s+de|aurait\s+pu)"
_ADVERBS = (
    r"(?:(?:deja|egalement|aussi|elle\s+aussi|lui\s+aussi|eux\s+aussi|elles\s+aussi|a\s+son\s+tour|"
    r"a\s+leur\s+tour|recemment|notamment|a\s+nouveau|de\s+nouveau|encore|massivement|durement|fortement|"
    r"gravement|toujours|partiellement|totalement|completement|visiblement|probablement)\s+)*"
)
_PASSIVE = (
    r"(?:pirat|hack|vise|visee|touche|cible|attaque|frappe|paralyse|infecte|compromis|bloque|rançonne|"
    r"ranconne|perturbe|affecte|impacte|chiffre|pris\s+pour\s+cible|mis\s+a\s+l'arret|mis\s+hors\s+service|"
    r"a\s+l'arret|hors\s+service|hors\s+ligne|en\s+panne|inaccessible|indisponible)"
    # participle endings only: « ciblée », « piratés »; not « ciblera », « frappent » (active voice)
    r"(?:ee?s?|s)?(?![\w'])"
)
_WITH_AVOIR = (
    r"(?:subi|essuye|fait\s+face|fait\s+l'objet|ete\s+victimes?|ete\s+la\s+cible|ete\s+cibles?\s+d|"
    r"perdu\s+(?:[\w']+\s+){0,2}?le\s+controle)"  # « a perdu jeudi le contrôle de sa page Facebook »
)
_VICTIM_NOUN = r"(?:victimes?|la\s+cible|cibles?\s+d|subit|subissent|fait\s+face|font\s+face|fait\s+l'objet)"
_ROLE_LEAD = (
    r"\s*(?:\([^)]{1,60}\)\s*)?(?:,(?:[^,;:.]|[.,](?=\d)){1,80},)?\s*[,:]?\s*(?:qui\s+|elle-meme\s+|lui-meme\s+|"
    r"(?:une\s+|la\s+)?(?:nouvelle|derniere|premiere|enieme|autre)\s+)?"
)
# after an organisation noun, a few words of complement and a longer incise may come before the role:
# « Cette entreprise familiale de transport routier, installée à Laval (Mayenne), a été victime »
_ROLE_LEAD_AFTER_NOUN = (
    r"(?:\s+(?!(?:a|ont|est|sont|qui|et|mais|avait|avaient)\b)[\w'-]+){0,6}?"
    r"\s*(?:\([^)]{1,60}\)\s*)?(?:,[^,;:.]{1,90},)?\s*[,:]?\s*(?:qui\s+)?"
)
_ROLE = (
    r"(?:(?:"
    + _AUX_ETRE
    + r"\s+)?"
    + _ADVERBS
    + _PASSIVE
    + r"|"
    + _AUX_AVOIR
    + r"\s+"
    + _ADVERBS
    + _WITH_AVOIR
    + r"|(?:"
    + _AUX_ETRE
    + r"\s+)?"
    + _ADVERBS
    + _VICTIM_NOUN
    + r")"
)
RIGHT_ROLE = re.compile(r"^" + _ROLE_LEAD + _ROLE)
RIGHT_ROLE_AFTER_NOUN = re.compile(r"^" + _ROLE_LEAD_AFTER_NOUN + _ROLE)
# the subject of a clause that goes on to say it suffered an attack: « La région X a porté plainte à la
# suite d'une cyberattaque », « L'université X confirme avoir été touchée par une cyberattaque »
RIGHT_EVENT = re.compile(
    r"^[^.;]{0,120}?(?:a\s+la\s+suite\s+d'une?|suite\s+a\s+une?|apres\s+une?|en\s+raison\s+d'une?|"
    r"victimes?\s+d'une?|touchee?s?\s+par\s+une?|visee?s?\s+par\s+une?|ciblee?s?\s+par\s+une?|cibles?\s+d'une?|"
    r"l'objet\s+d'une?|face\s+a\s+une?|subi\s+une?|subit\s+une?|victimes?\s+de|frappee?s?\s+par\s+une?|"
    r"paralysee?s?\s+par\s+une?|depuis\s+(?:la|une|l')|qui\s+l'a\s+(?:frappee?|touchee?|visee?|paralysee?|ciblee?))"
    r"[\s\"«»“”]+(?:[\w'-]+[\s\"«»“”]+){0,3}?(?:cyber|attaque|piratage|intrusion|rancongiciel|ransomware|fuite|vol\s+de\s+donnees|"
    r"campagne\s+d'hameconnage|hameconnage|phishing|escroquerie|arnaque|fraude|"
    r"acte\s+de\s+malveillance|incident\s+de\s+cybersecurite|tentative\s+de\s+piratage|ddos|deni\s+de\s+service|"
    r"violation\s+de\s+donnees)"
    # « X, qui compte 80 magasins, a informé ses clients que leurs données avaient été dérobées »
    r"|^[^.;]{0,120}?(?:leurs|ses|les|des|[\d\s]{2,}|environ\s+[\d\s]+)\s+(?:donnees|comptes|serveurs|fichiers|postes|"
    r"ordinateurs|systemes|boites)(?:\s+[\w']+){0,5}?\s+(?:ont|avaient|auraient|ont\s+pu|"
    r"avaient\s+pu|auraient\s+pu)?\s*(?:ete|etre)\s+(?:derobees|volees|exposees|piratees?s?|exfiltrees|compromise?s?|"
    r"publiees|divulguees|derobe|vole|subtilisees|aspirees|siphonnees|chiffres|chiffrees|infectes|pirates)"
)
# the subject that detected, stopped or found an attack on itself: « X a détecté une intrusion », « X a
# intercepté dans la nuit une cyberattaque ciblée sur ses sites »; not a vendor that spots an attack
# on others (« ... une campagne visant les hôpitaux »)
RIGHT_DETECTION = re.compile(
    r"^\s*(?:,[^,;:.]{1,45},)?\s*"
    # « X indique que, quelques heures plus tôt, ses équipes ont détecté ... »
    r"(?:(?:indique|explique|precise|annonce|affirme|assure|confirme|reconnait|signale)\s+(?:que|qu')[^.;]{0,80}?"
    r"(?:(?:ses|leurs)\s+[«\"“]?\s*(?:equipes|services|experts|techniciens|ingenieurs)(?:\s+[\w-]+)?|elle|il)\s+)?"
    r"(?:"
    + _AUX_AVOIR
    + r"|dit\s+avoir|indique\s+avoir|explique\s+avoir)\s+"
    + _ADVERBS
    + r"(?:detecte|intercepte|constate|repere|identifie|decele|decouvert|deplore|stoppe|bloque|endigue|contenu|"
    r"confirme|reconnu|signale|revele|fait\s+etat\s+d'|annonce)"
    r"\s+[^.;]{0,80}?\b(?:une?|des|l'|la|les|plusieurs)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:cyber-?\s?attaques?|attaques?\s+(?:informatiques?|malveillantes?|cyber)|intrusions?|piratages?|"
    r"rancongiciels?|ransomwares?|activites?\s+(?:suspectes?|anormales?|inhabituelles?|malveillantes?)|"
    r"tentatives?\s+d'(?:intrusion|acces\s+non\s+autorises?|acces\s+frauduleux)|acces\s+(?:non\s+autorises?|"
    r"frauduleux|illegitimes?)|fuites?\s+de\s+donnees|compromissions?|incidents?\s+de\s+cybersecurite)"
    r"(?!\s+(?:visant|contre|chez|touchant|ciblant|ayant\s+(?:touche|vise)|dont\s+(?:a|ont)\s+ete)"
    r"\s+(?!ses\b|son\b|sa\b|leurs?\b))"
)
# a clause begins: after strong punctuation, a comma, or a wire-service dateline (« (AFP) - », « PARIS
# (Reuters) — »), give or take two words (« Vendredi, la société X »)
CLAUSE_START = re.compile(
    r"(?:^|[.;:!?\n–—]|\s-\s|,\s|^\s*(?:[\w'-]+\s+){0,2}\([^)]{1,30}\)\s*[-–—]?\s*)\s*(?:[\w'-]+\s*){0,2}$"
)
LEFT_ROLE = re.compile(
    r"(?:"
    r"(?:cyber-?attaques?|attaques?(?:\s+informatiques?)?|piratages?|intrusions?|fuites?\s+de\s+donnees|"
    r"vols?\s+de\s+donnees|rancongiciels?|ransomwares?|incidents?(?:\s+de\s+cybersecurite|\s+cyber)?|"
    r"compromissions?|offensives?|violations?\s+de\s+donnees)"
    r"(?:\s+(?:informatiques?|massives?|majeures?|d'ampleur|de\s+grande\s+ampleur|importantes?|"
    r"d'envergure|recentes?|sans\s+precedent))*"
    r"\s+(?:contre|visant|chez|de|du|des|d'|touchant|ciblant|subie?s?\s+par|qui\s+a\s+(?:touche|vise|frappe|paralyse)|"
    r"ayant\s+(?:touche|vise|frappe|paralyse)|dont\s+(?:a|ont)\s+ete\s+victimes?)"
    # « Cyberattaque au collège X », « Fuite de données à la mutuelle Y »: « à » only after a noun that
    # cannot be a participle (« attaqué à la Salvetat » is a wolf, not a hacker)
    r"|(?:cyber-?attaques?|piratages?|intrusions?|fuites?\s+de\s+donnees|vols?\s+de\s+donnees|"
    r"rancongiciels?|ransomwares?|incidents?\s+(?:de\s+cybersecurite|cyber))"
    r"(?:\s+(?:informatiques?|massives?|majeures?|d'ampleur|de\s+grande\s+ampleur|importantes?))*\s+(?:a|au|aux)"
    # « la production stoppée net à la Manufacture X », « les serveurs à l'arrêt chez Y »
    r"|(?:a\s+l'arret|stoppee?s?|paralysee?s?|perturbee?s?|interrompue?s?|bloquee?s?|hors\s+service|"
    r"indisponibles?|inaccessibles?)(?:\s+[\w']+){0,3}?\s+(?:a|au|aux|chez)"
    r"|(?:(?:a|ont|avait|avaient|aurait|auraient|vient\s+de|viennent\s+de)\s+(?:(?!ete\b)\w+\s+){0,2}?"
    r"(?:touche|vise|frappe|paralyse|cible|affecte|perturbe|impacte|bloque|pirate|attaque|infecte|"
    r"compromis|mis\s+a\s+l'arret|mis\s+hors\s+service|mis\s+a\s+mal|pris\s+pour\s+cible|hacke|ranconne)"
    r"|(?:elle|il|elles|ils|qui|cyber-?attaques?|attaques?|piratages?|rancongiciels?|ransomwares?|virus|"
    r"(?:la|le)\s+plus\s+(?:grave|importante?|serieuse?|spectaculaire|touchee?))\s+"
    r"(?:[\w']+\s+){0,4}?(?:touchent|touche|visent|vise|frappent|frappe|paralysent|paralyse|ciblent|cible|"
    r"affectent|affecte|perturbent|perturbe|bloquent|bloque|infectent|infecte))"
    r"|(?:touchant|visant|ciblant|paralysant|frappant|affectant|perturbant|impactant|piratant)"
    r"|(?:victimes?\s*(?::|,|comme|dont|parmi\s+lesquelles|parmi\s+lesquels|notamment)?)"
    r"|(?:donnees|informations|serveurs?|systemes?|reseaux?|sites?|messageries?|fichiers?|patients|"
    r"adherents|clients|comptes?|ordinateurs?|postes?|infrastructures?|outils|logiciels?|plateformes?|"
    r"usagers|salaries|agents|employes|licencies|etudiants|portails?|applications?|boites?\s+mails?)"
    r"(?:\s+[\w'-]+){0,2}?\s+(?:de|du|des|d')"
    r"|chez|(?:hackers|pirates|cybercriminels)\s+(?:ont|s'en\s+sont\s+pris\s+a|s'en\s+prennent\s+a)"
    r"|s'en\s+(?:sont\s+)?pris\s+a|s'en\s+prend\s+a|s'en\s+prennent\s+a"
    r")"
    r"\s*(?:,[^,;.]{1,45},)?"
    # « s'en sont pris à plusieurs collectivités, comme le conseil régional X »: the first of a list
    r"(?:\s*(?:plusieurs|des|de\s+nombreux|de\s+nombreuses|certains|certaines)?\s*[\w-]+\s*,?\s*"
    r"(?:comme|notamment|dont|tels?\s+que|telles?\s+que|parmi\s+lesquel\w*)\s)?"
    r"\s*(?:la|le|les|l'|un|une|des|plusieurs|nombreux|nombreuses|certains|certaines|son|sa|ses|leur|leurs)?"
    r"\s*(?:(?!(?:a|au|aux|par|pour|avec|sur|dans|en|et)\s)[\w-]+\s+){0,2}?$"
)
NOT_VICTIM_LEFT = re.compile(
    r"(?:(?:media|journal|quotidien|magazine|hebdomadaire|site|blog|chaine|radio|confrere|agence\s+de\s+presse)"
    r"(?:\s+(?!de\b|du\b|des\b|d')[\w-]+){0,2}\s*$|informations?\s+(?:du|de|d')\s*(?:la\s+|l')?(?:media|journal|quotidien|site)|selon|d'apres|explique|indique|precise|annonce|rapporte|affirme|assure|souligne|a\s+declare|"
    r"aupres\s+de|avec\s+l'aide\s+de|accompagne\s+par|aide\s+par|epaule\s+par|par\s+le\s+groupe|"
    r"revendiquee?\s+par|signalee?s?\s+(?:[\w']+\s+){0,3}?a|plainte\s+aupres)\s*(?:[\w-]+\s+){0,2}?(?:la|le|les|l')?\s*$"
)
INCIDENT_WORDS = re.compile(
    r"cyber|attaqu|pirat|hack|rancon|intrusion|fuite|vol\b|vole|derob|exfiltr|compromi|ddos|deni\s+de\s+service|"
    r"malveillant|hameconn|phishing|escroqu|incident|victime|cibl|paralys|usurp|en\s+vente|a\s+la\s+vente|dark\s?web|"
    r"acces\s+(?:illegitime|frauduleux|non\s+autorise|indu)"
)
LIST_ITEM_SENTENCES = 15
"""How far a list introduced by a colon may run."""


def _opens_list_item(span: Span) -> bool:
    """« \n\nMerck. Le réseau… », « \n- Maersk : … »: a name opening a paragraph, then a full stop or colon."""
    text = text_of(span.doc)
    before = text[max(0, span.start_char - 3) : span.start_char]
    return "\n" in before and bool(re.match(r"\s*[.:]", text[span.end_char : span.end_char + 3]))


LIST_INTRO = re.compile(
    r"\bparmi\s+(?:les|ces)\s+(?:[\w'-]+\s+){0,3}?(?:victimes|touche(?:e)?s|visee?s|ciblee?s|attaquee?s|"
    r"piratee?s|concernee?s|affectee?s|paralysee?s)\b[^.:]{0,40}?(?:il\s+y\s+a|on\s+(?:trouve|compte|denombre|"
    r"recense|retrouve|note)|figurent|se\s+trouvent|:|,)"
)
COORDINATION = re.compile(
    r"^(?:\s|,|\([^)]{1,20}\)|\bet\b|\bou\b|\bainsi\s+que\b|\bcomme\b|\bnotamment\b|\bcelui\b|\bcelle\b|\bceux\b|"
    r"\bde\b|\bdu\b|\bdes\b|d'|\bla\b|\ble\b|\bles\b|l'|\bsa\b|\bson\b|\bses\b|\bsur\b|\bchez\b)*$"
)


class VictimFinder:
    """Component ``incident_extract_victims``: writes ``doc.spans["ie_victims"]``."""

    def __init__(self, nlp: Language, name: str = "incident_extract_victims") -> None:
        self.name = name
        self.organisations = load_vocabulary("organisations")
        self.dependency_matcher = DependencyMatcher(nlp.vocab, validate=True)
        self.victim_positions: dict[str, int] = {}
        self.kind_words = {fold(t.rstrip("*")) for e in self.organisations.entries for t in e.terms}
        groups = load_vocabulary("people_groups")
        self.group_context = cue_regex(groups.context, prefixes=False)
        for rule in load_dependency_rules().patterns:
            self.dependency_matcher.add(rule.id, [list(rule.pattern)])
            self.victim_positions[rule.id] = rule.victim_position

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        excluded = self._excluded_tokens(doc)
        candidates = self._candidates(doc, excluded)
        victims = self._with_role(doc, candidates, self._dependency_roles(doc))
        victims = self._with_headline_victim(doc, candidates, victims)
        victims = self._with_listed(doc, candidates, victims)
        victims = sorted(victims + self._people_groups(doc), key=lambda s: s.start)
        self._link_fuller_names(victims, candidates)
        doc.spans[SPAN_KEYS["victims"]] = victims
        doc.spans[SPAN_KEYS["candidates"]] = [c for c in candidates if _good_name(c)]
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
        slug = fold(url_slug(doc._.ie_url))
        if not slug or not INCIDENT_WORDS.search(slug):
            return victims
        slug_tokens = _content_tokens(slug)
        taken = {(v.start, v.end) for v in victims}
        named = {frozenset(_content_tokens(fold(v.text))) for v in victims}
        for span in candidates:
            if (span.start, span.end) in taken or _is_place(span) or not _good_name(span):
                continue
            if span._.ie_rule in ("victims.ner_loc", "victims.ner_per") or not _proper_tokens(span):
                continue
            if fold(span.text) in self.kind_words:
                continue  # « PME », « entreprises »: a kind of organisation, not a name
            tokens = _content_tokens(fold(span.text))
            if not tokens or any(set(tokens) <= other for other in named):
                continue
            at = _find_run(slug_tokens, tokens)
            if at is None or not _slug_role(slug_tokens, at, len(tokens)):
                continue
            span._.ie_rule = f"{span._.ie_rule}+headline_slug"
            victims.append(span)
            named.add(frozenset(tokens))
        return sorted(victims, key=lambda s: s.start)

    def _with_listed(self, doc: Doc, candidates: list[Span], victims: list[Span]) -> list[Span]:
        """« Parmi les villes touchées, il y a Nantes, Angers et Pau », « Parmi les victimes, on dénombre
        notamment : » and the name that opens the next sentence: every name of the list is a victim,
        towns included (the list says they were hit)."""
        taken = {(v.start, v.end) for v in victims}
        sentences = all_sentences(doc)
        text = text_of(doc)
        for n, bounds in enumerate(sentences):
            cue = LIST_INTRO.search(fold(text[slice(*bounds)]))
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
                items = [c for c in candidates if bounds[1] <= c.start_char < end and _opens_list_item(c)]
                listed = following[:1] + [c for c in items if c not in following[:1]]
            for span in listed:
                if (span.start, span.end) in taken or not _good_name(span):
                    continue
                span._.ie_rule = f"{span._.ie_rule}+list"
                victims.append(span)
                taken.add((span.start, span.end))
        return sorted(victims, key=lambda s: s.start)

    def _people_groups(self, doc: Doc) -> list[Span]:
        """« des Français ont reçu un SMS frauduleux », « des milliers d'usagers ont été victimes
        d'une arnaque »: the public hit by a campaign, named with its quantifier, kind ``group``."""
        context = self.group_context
        groups: list[Span] = []
        sentences = all_sentences(doc)
        for span in doc.spans.get(SPAN_KEYS["terms"], []):
            if span.label_ != "people_groups":
                continue
            start = _group_quantifier_start(doc, span.start)
            if start is None:
                continue
            n = sentence_index(span)
            sent_end = sentences[n][1] if n < len(sentences) else len(text_of(doc))
            right = fold(text_of(doc)[span.end_char : min(sent_end, span.end_char + 120)])
            if not GROUP_ROLE.match(right):
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
            if span.label_ in ("authorities", "threat_actors", "responders"):
                never.update(range(span.start, span.end))
            elif span.label_ in ("systems", "attack_types", "data_leaked"):
                not_alone.update(range(span.start, span.end))
        return never, not_alone

    def _candidates(self, doc: Doc, excluded: tuple[set[int], set[int]]) -> list[Span]:
        found: dict[tuple[int, int], Span] = {}
        kinds = [s for s in doc.spans.get(SPAN_KEYS["terms"], []) if s.label_ == "organisations"]
        kinds.sort(key=lambda s: (s.id_ == "org.generique", -(s.end - s.start)))  # specific kinds first
        for span in kinds:
            entry = self.organisations.entry(span.id_)
            candidate = self._extend(doc, span, entry.standalone)
            if candidate is None and span.text.lower() in MUNICIPAL_NOUNS and (town := _headline_town(doc)):
                # « le site de la mairie paralysé » in an article about one town: the town's mairie
                unnamed = Span(doc, span.start, span.end, label="organization", span_id=span.id_)
                unnamed._.ie_value = f"{span.text} de {town}"
                unnamed._.ie_sector = entry.value
                unnamed._.ie_rule = "victims.unnamed_municipality"
                found.setdefault((span.start, span.end), unnamed)
                continue
            if candidate is None and _is_anaphor(doc, span):
                # « l'éditeur », « la société »: a definite generic noun standing for a named organisation
                anaphor = Span(doc, span.start, span.end, label="organization", span_id=span.id_)
                anaphor._.ie_sector = None if entry.value == "none" else entry.value
                anaphor._.ie_rule = "victims.anaphor"
                found.setdefault((span.start, span.end), anaphor)
                continue
            if candidate is None or candidate in found:
                continue
            if span.start > 0 and doc[span.start - 1].lower_ in (
                "un",
                "une",
                *(() if entry.standalone else ("des",)),  # « les sites des services publics »
                "plusieurs",
                "certains",
                "certaines",
            ):
                continue  # « une clinique de Saint-Étienne » describes; the name comes elsewhere
            candidate = Span(doc, candidate[0], candidate[1], label="organization", span_id=span.id_)
            candidate._.ie_sector = None if entry.value == "none" else entry.value
            candidate._.ie_rule = f"victims.{span.id_}"
            found.setdefault((candidate.start, candidate.end), candidate)
        for ent in doc.ents:
            if ent.label_ in ("ORG", "MISC", "PER", "LOC") and _good_name(ent):
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
        ]
        # keep the longest of overlapping candidates
        spans.sort(key=lambda s: (-(s.end - s.start), s.start))
        kept: list[Span] = []
        taken: set[int] = set()
        for span in spans:
            if taken.isdisjoint(range(span.start, span.end)):
                kept.append(span)
                taken.update(range(span.start, span.end))
        return sorted(kept, key=lambda s: s.start)

    def _extend(self, doc: Doc, kind: Span, standalone: bool = False) -> tuple[int, int] | None:
        """``mairie`` -> ``mairie de Chaville``; None when no name follows a common noun, unless
        the noun names one institution by itself (``la présidence``, ``les services publics
        sénégalais``: ``standalone`` in the vocabulary)."""
        i = kind.end
        while (
            i < len(doc)
            and i - kind.end < 3
            and (
                INSTITUTIONAL_ADJECTIVES.match(doc[i].text)
                or (doc[i].is_lower and (doc[i].pos_ == "ADJ" or DEMONYM.search(doc[i].text)))
            )
        ):
            i += 1
        official = kind[0].text[:1].isupper() and not starts_sentence(kind[0])
        name_end = _proper_run(doc, i)
        if name_end == i:
            j = _lowercase_complement(doc, i)
            if j > i and _proper_run(doc, j) > j:
                return kind.start, _proper_run(doc, j)  # l'éditeur de logiciels médicaux Weda
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
            and not starts_sentence(kind[0])
        ):
            return kind.start, kind.end
        if text.isupper() and len(text) >= 3 and text not in NEEDS_COMPLEMENT:
            return kind.start, kind.end
        if standalone and kind.start > 0 and doc[kind.start - 1].lower_ in DEFINITE:
            return kind.start, i
        return None

    def _with_role(self, doc: Doc, candidates: list[Span], roles: dict[int, str]) -> list[Span]:
        """Candidates with a victim's role (``roles``: the dependency patterns' victims of this doc)."""
        victims: list[Span] = []
        for span in candidates:
            if not _good_name(span):
                continue
            if self._has_role(doc, span, roles):
                if span._.ie_rule.startswith("victims.anaphor"):
                    antecedent = _antecedent(span, candidates)
                    if antecedent is None:
                        continue
                    span._.ie_value = antecedent.text
                victims.append(span)
        # coordination: A et B ont été ciblés / victimes : A, B et C
        names = {(v.start, v.end) for v in victims}
        changed = True
        while changed:
            changed = False
            for span in candidates:
                if (span.start, span.end) in names or not _good_name(span) or _is_place(span):
                    continue
                for victim in victims:
                    if sentence_index(victim) != sentence_index(span):
                        continue
                    left, right = (span, victim) if span.end <= victim.start else (victim, span)
                    between = fold(text_of(doc)[left.end_char : right.start_char])
                    if COORDINATION.match(between):
                        span._.ie_rule = f"{span._.ie_rule}+coordination"
                        victims.append(span)
                        names.add((span.start, span.end))
                        changed = True
                        break
        return sorted(victims, key=lambda s: s.start)

    def _has_role(self, doc: Doc, span: Span, roles: dict[int, str]) -> bool:
        sent_start, sent_end = sentence_of(span)
        left = fold(text_of(doc)[max(sent_start, span.start_char - 90) : span.start_char])
        right = fold(text_of(doc)[span.end_char : min(sent_end, span.end_char + 170)])
        if NOT_VICTIM_LEFT.search(left):
            return False
        syntactic = next((roles[t.i] for t in span if t.i in roles), None)
        if (
            syntactic
            and span._.ie_rule != "victims.ner_loc"
            and INCIDENT_WORDS.search(fold(text_of(doc)[sent_start:sent_end]))
        ):
            span._.ie_rule = f"{span._.ie_rule}+{syntactic}"
            return True
        if span._.ie_rule == "victims.ner_loc":
            # a town is a victim only when the sentence says so outright (« Amiens, cible d'une
            # tentative de piratage »), never through « les habitants de X » or « chez X »
            sentence = fold(text_of(doc)[sent_start:sent_end])
            # and not as a complement: « un établissement de santé de l'Oise est visé », « la clinique, à Vichy, »
            complement = re.search(r"(?:\bde|\bdu|\bdes|d'|\ba|\bau|\baux)\s*(?:la\s+|l')?$", left)
            return bool(RIGHT_ROLE.match(right) and INCIDENT_WORDS.search(sentence) and not complement)
        if RIGHT_ROLE.match(right):
            return True
        if (
            span.id_.startswith("org.") or span._.ie_rule == "victims.anaphor"
        ) and RIGHT_ROLE_AFTER_NOUN.match(right):
            return True
        if (RIGHT_EVENT.match(right) or RIGHT_DETECTION.match(right)) and CLAUSE_START.search(left):
            return True
        if LEFT_ROLE.search(left):
            return bool(INCIDENT_WORDS.search(fold(text_of(doc)[sent_start:sent_end])))
        return False


# the quantifier before a group noun: « des Français », « de nombreux usagers », « des milliers de
# clients », « plusieurs centaines d'abonnés »; a definite « les clients » is a base, not a count
GROUP_QUANTIFIERS = (
    ("des",),
    ("de", "nombreux"),
    ("de", "nombreuses"),
    ("nombreux",),
    ("nombreuses",),
    ("plusieurs",),
    ("certains",),
    ("certaines",),
)
GROUP_MULTIPLIERS = {"milliers", "centaines", "dizaines", "millions"}
GROUP_ROLE = re.compile(
    r"^(?:\s+(?:du|de|des|d'|de\s+la|en|a)\s+[^,.;]{1,40}?)?"  # « des habitants du sud de la Sarthe »
    r"\s*(?:,[^,;:.]{1,45},)?\s*(?:ont|auraient|avaient|ont\s+deja|ont\s+recemment|recoivent|auraient\s+deja)?\s*"
    r"(?:recu|recoivent|ete\s+destinataires|ete\s+victimes?|ete\s+vises|ete\s+visees|ete\s+cibles|ete\s+ciblees|"
    r"ete\s+escroques|ete\s+pieges|ete\s+piegees|ete\s+abuses|ete\s+contactes|ete\s+appeles|se\s+sont\s+fait\s+pieger|"
    r"sont\s+vises|sont\s+visees|sont\s+cibles|sont\s+ciblees|sont\s+victimes)\b"
)


def _group_quantifier_start(doc: Doc, i: int) -> int | None:
    """Start of « des » / « de nombreux » / « des milliers de » before token ``i``, else None."""
    j = i
    if j >= 2 and doc[j - 1].lower_ in ("de", "d'", "d’") and doc[j - 2].lower_ in GROUP_MULTIPLIERS:
        j -= 2  # « milliers de »
        if j >= 1 and doc[j - 1].lower_ in ("des", "plusieurs", "quelques"):
            return j - 1
        return None
    for words in GROUP_QUANTIFIERS:
        k = j - len(words)
        if k >= 0 and tuple(t.lower_ for t in doc[k:j]) == words:
            return k
    return None


SLUG_STOP = {"le", "la", "les", "l", "de", "du", "des", "d", "un", "une", "a", "au", "aux", "et", "en"}
SLUG_NOT_VICTIM = re.compile(
    r"^(?:alerte|previent|met|mettent|conseille|lance|revendique|publie|selon|rapport|etude|explique|"
    r"condamne|arrete|demantele|aide|accompagne|corrige|alertent|recrute|leve|investit|protege|proteger|"
    r"securise|securiser|sensibilise|forme|propose|presente|devoile|lancent|veut|mise|parie|rachete|rachat)$"
)


def _content_tokens(folded: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9]+", folded) if t not in SLUG_STOP]


def _find_run(tokens: list[str], run: list[str]) -> int | None:
    for i in range(len(tokens) - len(run) + 1):
        if tokens[i : i + len(run)] == run:
            return i
    return None


def _slug_role(tokens: list[str], at: int, length: int) -> bool:
    """In a slug without its little words, a name is the victim when an attack word comes right
    before it (« cyberattaque ministere sports ») or a few words after it and the name is not the
    subject of a warning or a claim (« lacroix sites fermes apres cyber attaque »)."""
    attack = [i for i, t in enumerate(tokens) if INCIDENT_WORDS.match(t)]
    after = at + length
    if any(SLUG_NOT_VICTIM.match(t) for t in tokens[after : after + 2]):
        return False
    return any(at - 2 <= i < at or after <= i <= after + 5 for i in attack)


GENERIC_KINDS = {"org.generique", "org.commerce"}
ANAPHOR_DETERMINERS = {"le", "la", "l'", "l’", "cette", "ce", "cet"}


def _is_anaphor(doc: Doc, kind: Span) -> bool:
    """« l'éditeur », « la société », « cet hôpital »: a singular generic noun with a definite or
    demonstrative article, and no name after it."""
    text = kind.text
    return (
        kind.start > 0
        and doc[kind.start - 1].lower_ in ANAPHOR_DETERMINERS
        and text.islower()
        and not text.endswith(("s", "x"))
        and text not in MUNICIPAL_NOUNS
    )


def _antecedent(anaphor: Span, candidates: list[Span]) -> Span | None:
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
        if anaphor.id_ not in GENERIC_KINDS and span.id_ != anaphor.id_:
            continue  # « l'hôpital » stands for a hospital; « l'entreprise » for any organisation
        start, _ = sentence_of(span)
        if span.id_ == "org.media" or NOT_VICTIM_LEFT.search(
            fold(text_of(span.doc)[start : span.start_char])
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


COMPLEMENT_STOPS = {
    "à",
    "a",
    "au",
    "aux",
    "par",
    "pour",
    "avec",
    "sur",
    "dans",
    "qui",
    "que",
    "dont",
    "est",
    "ont",
    "sont",
    "était",
}
PARTICIPLE = re.compile(r"(?:é|ée|és|ées|is|ise|ises|it|ite|its|ites)$")


def _lowercase_complement(doc: Doc, i: int) -> int:
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
                    and doc[j].lower_ not in COMPLEMENT_STOPS
                    and not PARTICIPLE.search(doc[j].lower_)
                )
                or doc[j].lower_ in ("d'", "d’", "-")
            )
        ):
            j += 1
            words += 1
        return j if words else i
    return i


def _proper_run(doc: Doc, i: int) -> int:
    """End of a run of capitalised words (with inner connectors) starting at token i.

    A capitalised article opens a name when a name follows (« La Sagesse », « Le Progrès »).
    """
    end = i
    j = i
    if (
        i + 1 < len(doc)
        and doc[i].text in ("La", "Le", "Les", "L'", "L’")
        and _is_name_token(doc[i + 1])
        and not starts_sentence(doc[i])
    ):
        j = i + 1
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
    return (
        text[:1].isupper()
        and any(c.isalpha() for c in text)
        and not token.is_stop
        and fold(text) not in NOT_NAMES
    )


def _capitalised_runs(doc: Doc):
    """Runs of capitalised tokens not at a sentence start (names the model may have missed)."""
    i = 0
    while i < len(doc):
        token = doc[i]
        if (
            _is_name_token(token)
            and not starts_sentence(token)
            and (i == 0 or doc[i - 1].text not in (".", "\n"))
        ):
            end = _proper_run(doc, i)
            if end > i:
                yield i, end
                i = end
                continue
        i += 1


MUNICIPAL_NOUNS = {"mairie", "commune", "municipalité", "hôtel de ville"}
HEADLINE_PLACE = re.compile(r"^\s*([A-ZÀ-Ý][\w'’-]+(?:[ -][A-ZÀ-Ý\w'’-]+){0,4})\s*:")


def _headline_town(doc: Doc) -> str | None:
    """The town an article is about: « Saint-Martin-de-Cressac : ... » in the headline, else the
    first place the model finds in the first two sentences."""
    first_line = text_of(doc).split("\n", 1)[0]
    m = HEADLINE_PLACE.match(first_line)
    # « Essonne : ... » over « Morsang-les-Bois (Essonne) »: a département, not the town
    if m and not INCIDENT_WORDS.search(fold(m.group(1))) and not _is_departement(doc, m.group(1)):
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
            and not INCIDENT_WORDS.search(fold(e.text))  # « Cyberattaque : » is no town
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


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].lower_ in ARTICLES or (doc[start].is_punct and doc[start].text != "(")):
        start += 1
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in (")",)):
        end -= 1
    return start, end


def _good_name(span: Span) -> bool:
    text = span.text.strip()
    if len(text) < 2 or "\n" in text:
        return False
    if fold(text) in STOP_NAMES or text.count("(") != text.count(")"):
        return False
    return any(c.isupper() for c in text) or any(c.isalpha() for c in text[:1])
