"""One attack, several articles: group article incidents that report the same incident.

Outlets name a victim differently (« CERP Bretagne Atlantique » / « CERP Bretagne-Atlantique »,
« Viamédis » / « tiers payant Viamedis », « CHSF » / « Centre hospitalier Sud Francilien »),
report it on different days, and syndicate the same text under several URLs. Two article
incidents are linked when

* their texts are near-duplicates (a 64-bit simhash, trafilatura's, at most
  :data:`DUPLICATE_BITS` bits apart): a syndicated copy, whatever was extracted from it; or
* the main (first) victim of one names a victim of the other (names folded: case, accents,
  hyphens, articles; generic heads such as « ville de » or « centre hospitalier » set aside;
  near spellings by rapidfuzz; acronyms), their dates (attack date, else publication date)
  are at most :data:`WINDOW_DAYS` apart when both are known, **and** either these dates are
  within :data:`SAME_WEEK_DAYS` or each article names or mentions the other's main victim; or
* one incident has no named victim and its headline or lead names the other's main victim
  (a one-word place name also by its demonym: « l'administration liégeoise »), dates within
  the window.

The mutual mention keeps apart an article about another victim that recalls this attack
(« après la ville d'Angers, une clinique de l'Anjou... »), the window the same firm hit again
another year, and the kind of institution another hospital of the same town. Linked
incidents form a cluster (transitively); a cluster's id is the smallest key of its members,
so that it does not change when an article joins it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz
from trafilatura.deduplication import Simhash

from .models import ArticleRecord
from .rules_io import fold

WINDOW_DAYS = 120
"""Follow-ups (claim, data published, consequences) come weeks after the attack; the same
victim hit again comes a year or more later."""
SAME_WEEK_DAYS = 7
"""Dates this close, with a victim named in both, are enough: no need for the mutual mention."""
LEAD_CHARS = 200
"""An incident with no named victim joins the cluster whose main victim its headline or lead names."""
DUPLICATE_BITS = 4
"""Simhash distance under which two texts are copies of one another (64 bits)."""
NEAR_SPELLING = 90
"""rapidfuzz ratio (0-100) above which two folded names are spellings of one name."""

STOPWORDS = frozenset([
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "of", "the", "sa", "son",
    "ses", "sur", "un", "une",
    # adjectives that name no one: « Fédération française de tir » is « tir »
    "francais", "francaise", "national", "nationale", "regional", "regionale", "departemental",
    "departementale", "municipal", "municipale", "public", "publique", "general", "generale",
])  # fmt: skip
INSTITUTION_KINDS: dict[str, tuple[str, ...]] = {
    "health": ("centre hospitalier universitaire", "centre hospitalier", "hopital", "hopitaux", "chu",
               "ch", "clinique", "ehpad", "groupe hospitalier", "centre de sante", "laboratoire"),
    "local_government": ("ville", "commune", "mairie", "metropole", "agglomeration", "communaute urbaine",
                         "communaute d agglomeration", "communaute de communes", "collectivite",
                         "departement", "conseil departemental", "region", "conseil regional",
                         "administration", "services informatiques", "prefecture"),
    "education": ("universite", "ecole", "lycee", "college", "academie", "institut"),
    "association": ("federation", "association", "syndicat", "club", "ordre", "fondation"),
    "company": ("groupe", "societe", "entreprise", "banque", "mutuelle", "assureur", "operateur",
                "cabinet", "tiers payant", "plateforme", "editeur", "journal", "quotidien"),
}  # fmt: skip
"""Generic heads, set aside to compare what names the victim; two different kinds (a hospital
and a town hall of one town) are two victims."""
_HEADS = sorted(
    ((head, kind) for kind, heads in INSTITUTION_KINDS.items() for head in heads),
    key=lambda pair: -len(pair[0]),
)


@dataclass(frozen=True)
class VictimName:
    """A victim name folded for comparison: its kind of institution and what is left."""

    text: str
    kind: str | None
    core: str
    acronym: str | None

    @classmethod
    def of(cls, name: str) -> VictimName:
        words = [w for w in re.split(r"[^\w]+", fold(name)) if w]
        folded = " ".join(words)
        kind = None
        for head, head_kind in _HEADS:
            if (kind is None or kind == head_kind) and re.search(rf"(?<!\w){head}(?!\w)", folded):
                kind = head_kind
                folded = re.sub(rf"(?<!\w){head}(?!\w)", " ", folded)
        core = " ".join(w for w in folded.split() if w not in STOPWORDS)
        stripped = name.strip()
        acronym = stripped if re.fullmatch(r"[A-Z][A-Z0-9]{1,7}", stripped) else None
        return cls(name, kind, core, acronym)

    @property
    def proper(self) -> bool:
        """Is the core a capitalised word of the name (a place or a firm, not « victime »)?"""
        return any(fold(word) == self.core and word[:1].isupper() for word in re.split(r"[^\w]+", self.text))

    @property
    def initials(self) -> str:
        words = [w for w in re.split(r"[^\w]+", fold(self.text)) if w and w not in STOPWORDS]
        return "".join(w[0] for w in words).upper()

    def matches(self, other: VictimName) -> bool:
        """Same victim: same core (or near spelling, or one the start of the other), kinds compatible;
        or one is the acronym of the other."""
        if self.acronym or other.acronym:
            if self.acronym and other.acronym:
                return self.acronym == other.acronym
            short, long = (self, other) if self.acronym else (other, self)
            return len(long.initials) >= 2 and short.acronym == long.initials
        if len(self.core) < 3 or len(other.core) < 3:
            return False
        if self.kind and other.kind and self.kind != other.kind:
            return False
        if self.core == other.core:
            return True
        a, b = sorted((self.core.split(), other.core.split()), key=len)
        if set(a) <= set(b):  # « Sopra » / « Sopra Steria », « Rolle » / « commune vaudoise de Rolle »
            return True
        return (
            min(len(self.core), len(other.core)) >= 5 and fuzz.ratio(self.core, other.core) >= NEAR_SPELLING
        )

    def mentioned_in(self, folded_text: str, *, demonym: bool = False) -> bool:
        """Is the name (its core, or its acronym) in this folded text? With ``demonym``, a
        one-word place name also counts as the start of a word (« Liège » in « liégeoise »)."""
        if demonym and " " not in self.core and len(self.core) >= 4 and self.proper:
            return re.search(rf"(?<!\w){re.escape(self.core)}", folded_text) is not None
        if self.acronym:
            return re.search(rf"(?<!\w){self.acronym.lower()}(?!\w)", folded_text) is not None
        return (
            len(self.core) >= 3
            and re.search(rf"(?<!\w){re.escape(self.core)}(?!\w)", folded_text) is not None
        )


@dataclass
class ArticleIncident:
    """One incident of one article, as the clustering sees it."""

    key: str
    """Unique per article incident: ``<article key>#<incident index>``."""
    article_key: str
    incident_index: int
    victims: list[str]
    attack_date: dt.date | None
    published: dt.date | None
    text: str
    title: str | None = None
    url: str | None = None
    site: str | None = None
    attack_types: list[str] = field(default_factory=list)

    @property
    def day(self) -> dt.date | None:
        return self.attack_date or self.published

    @cached_property
    def names(self) -> list[VictimName]:
        return [VictimName.of(name) for name in self.victims]

    @cached_property
    def folded_text(self) -> str:
        return " ".join(w for w in re.split(r"[^\w]+", fold(f"{self.title or ''}\n{self.text}")) if w)

    @cached_property
    def folded_lead(self) -> str:
        """Title and first :data:`LEAD_CHARS` characters of the text, folded."""
        return " ".join(
            w for w in re.split(r"[^\w]+", fold(f"{self.title or ''}\n{self.text[:LEAD_CHARS]}")) if w
        )

    @cached_property
    def simhash(self) -> Simhash:
        return Simhash(self.text)


@dataclass
class Cluster:
    """Article incidents reporting one incident, and what they say together."""

    cluster_id: str
    members: list[ArticleIncident]

    @property
    def victim(self) -> str | None:
        """The main victim the members agree on most, in its most frequent (then shortest) spelling."""
        firsts = [member.victims[0] for member in self.members if member.victims]
        if not firsts:
            return None
        names = [VictimName.of(name) for name in firsts]
        return max(
            firsts,
            key=lambda name: (
                sum(VictimName.of(name).matches(other) for other in names),
                firsts.count(name),
                -len(name),
            ),
        )

    @property
    def victims(self) -> list[str]:
        return _unique(name for member in self.members for name in member.victims)

    @property
    def earliest_date(self) -> dt.date | None:
        days = [member.day for member in self.members if member.day]
        return min(days) if days else None

    @property
    def attack_types(self) -> list[str]:
        return _unique(t for member in self.members for t in member.attack_types)

    @property
    def sources(self) -> list[str]:
        return _unique(member.url or member.article_key for member in self.members)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def link_strength(a: ArticleIncident, b: ArticleIncident) -> int:
    """How surely two article incidents report the same incident (see the module docstring):
    0 not linked, 1 through a secondary victim or an unnamed one, 2 main victims alike,
    3 copies of one text."""
    if a.article_key == b.article_key:
        return 0  # two incidents of one article are two incidents
    if a.simhash.similarity(b.simhash) >= 1 - DUPLICATE_BITS / 64:
        return 3
    if a.day and b.day and abs((a.day - b.day).days) > WINDOW_DAYS:
        return 0
    if not a.names or not b.names:  # an incident whose victim went unnamed: its lead names it
        named, unnamed = (a, b) if a.names else (b, a)
        return int(bool(named.names) and named.names[0].mentioned_in(unnamed.folded_lead, demonym=True))
    a_names_b = any(a.names[0].matches(n) for n in b.names)
    b_names_a = any(b.names[0].matches(n) for n in a.names)
    if not (a_names_b or b_names_a):
        return 0
    strength = 2 if a.names[0].matches(b.names[0]) else 1
    if a.day and b.day and abs((a.day - b.day).days) <= SAME_WEEK_DAYS:
        return strength
    mutual = (a_names_b or a.names[0].mentioned_in(b.folded_text)) and (
        b_names_a or b.names[0].mentioned_in(a.folded_text)
    )
    return strength if mutual else 0


def linked(a: ArticleIncident, b: ArticleIncident) -> bool:
    """Do these two article incidents report the same incident?"""
    return link_strength(a, b) > 0


def cluster_incidents(incidents: Sequence[ArticleIncident]) -> list[Cluster]:
    """Group article incidents; clusters in order of their first member.

    Links are merged strongest first (copies, then main victims alike, then the others), and
    never into a cluster that already holds another incident of the same article: an article
    that reports two incidents (« Viamedis and Almerys ») keeps them apart, each joining the
    cluster its main victim names.
    """
    links = []
    for i, j in candidate_pairs(incidents):
        strength = link_strength(incidents[i], incidents[j])
        if strength:
            links.append((-strength, i, j))
    parent = list(range(len(incidents)))
    articles = [{incident.article_key} for incident in incidents]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted(links):
        first, second = sorted((root(i), root(j)))
        if first != second and not articles[first] & articles[second]:
            parent[second] = first
            articles[first] |= articles[second]
    groups: dict[int, list[ArticleIncident]] = {}
    for i, incident in enumerate(incidents):
        groups.setdefault(root(i), []).append(incident)
    return [Cluster(min(m.key for m in members), members) for members in groups.values()]


def candidate_pairs(incidents: Sequence[ArticleIncident]) -> set[tuple[int, int]]:
    """The pairs (i < j) that :func:`link_strength` may link, without comparing every pair.

    A store grows every night; comparing all pairs would cost n². Two incidents can only be
    linked when they share a victim-name key (the first 4 letters of a word of a name's core, an
    acronym or a name's initials: near spellings keep their start), when a 13-bit band of their
    simhashes is equal (4 differing bits over 5 bands leave one band whole), or when one has no
    named victim and its lead holds the key of the other's main victim.
    """
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    main_keys: dict[str, list[int]] = defaultdict(list)
    unnamed = []
    for index, incident in enumerate(incidents):
        for band in range(5):
            by_key["band", str(band << 16 | (incident.simhash.hash >> (13 * band)) & 0x1FFF)].append(index)
        if not incident.names:
            unnamed.append(index)
            continue
        for name in incident.names:
            for key in _name_keys(name):
                by_key["name", key].append(index)
        main = incident.names[0]
        if main.acronym:
            main_keys[main.acronym.lower()[:4]].append(index)
        elif main.core:
            main_keys[main.core.split()[0][:4]].append(index)
    pairs = set()
    for members in by_key.values():
        for position, i in enumerate(members):
            pairs.update((min(i, j), max(i, j)) for j in members[position + 1 :] if i != j)
    for i in unnamed:
        for prefix in {word[:4] for word in incidents[i].folded_lead.split()}:
            pairs.update((min(i, j), max(i, j)) for j in main_keys.get(prefix, ()))
    return pairs


def _name_keys(name: VictimName) -> set[str]:
    keys = {word[:4] for word in name.core.split()}
    if name.acronym:
        keys.add(name.acronym.lower())
    elif len(name.initials) >= 2:
        keys.add(name.initials.lower())
    return keys


def article_incidents(record: ArticleRecord, article_key: str | None = None) -> list[ArticleIncident]:
    """The incidents of one record, keyed by ``article_key`` (default: its URL, id or path)."""
    source = record.source
    key = article_key or source.url or source.id or source.path or f"text:{hash(record.text)}"
    return [
        ArticleIncident(
            key=f"{key}#{index}",
            article_key=key,
            incident_index=index,
            victims=[victim.name for victim in incident.victims],
            attack_date=incident.attack_date.value if incident.attack_date else None,
            published=source.published,
            text=record.text,
            title=source.title,
            url=source.url,
            site=source.site,
            attack_types=[item.id for item in incident.attack_types],
        )
        for index, incident in enumerate(record.incidents)
    ]


def cluster(records: Iterable[ArticleRecord]) -> list[Cluster]:
    """For notebooks: the clusters of the incidents these records report."""
    incidents = [incident for record in records for incident in article_incidents(record)]
    return cluster_incidents(incidents)
