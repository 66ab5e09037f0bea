"""Clusters: one attack reported by several outlets is one incident; a similar victim stays apart."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from incident_extract.clusters import (
    ArticleIncident,
    VictimName,
    candidate_pairs,
    cluster,
    cluster_incidents,
    linked,
)
from incident_extract.models import ArticleRecord

from .conftest import SHARED

CLUSTERS = SHARED / "corpus" / "clusters"


def incident(
    key: str, victims: list[str], text: str, *, day: str | None = None, published: str | None = None
):
    return ArticleIncident(
        key=f"{key}#0",
        article_key=key,
        incident_index=0,
        victims=victims,
        attack_date=dt.date.fromisoformat(day) if day else None,
        published=dt.date.fromisoformat(published) if published else None,
        text=text,
        url=f"https://presse.exemple/{key}",
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("CERP Bretagne Atlantique", "CERP Bretagne-Atlantique"),
        ("Viamédis", "tiers payant Viamedis"),
        ("CHSF", "Centre hospitalier Sud Francilien"),
        ("hôpital de Dax", "Centre hospitalier de Dax-Côte d'Argent"),
        ("Ville d'Angers", "mairie d'Angers"),
        ("Desjardins", "Desjardin"),  # a near spelling
    ],
)
def test_spellings_of_one_victim_match(a, b):
    assert VictimName.of(a).matches(VictimName.of(b))
    assert VictimName.of(b).matches(VictimName.of(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("centre hospitalier de Vannes", "mairie de Vannes"),  # two institutions of one town
        ("clinique de l'Anjou", "ville d'Angers"),
        ("Bouygues Telecom", "Free"),
        ("CHU", "CHSF"),
        ("Fédération française de voile", "Fédération française de tir"),
        ("Fédération française", "Fédération française de tir"),  # names no one
    ],
)
def test_different_victims_do_not_match(a, b):
    assert not VictimName.of(a).matches(VictimName.of(b))


FIRST = "La mairie de Plougastel a été victime d'un rançongiciel dans la nuit de samedi à dimanche."
FOLLOW_UP = (
    "Trois semaines après la cyberattaque contre la commune de Plougastel, les pirates publient "
    "les fichiers volés des agents de la mairie."
)


def test_reports_of_one_attack_are_linked():
    first = incident("a", ["mairie de Plougastel"], FIRST, day="2024-03-09")
    follow_up = incident("b", ["commune de Plougastel", "agents"], FOLLOW_UP, published="2024-03-30")
    assert linked(first, follow_up)


def test_same_victim_hit_again_another_year_stays_apart():
    first = incident("a", ["mairie de Plougastel"], FIRST, day="2024-03-09")
    again = incident(
        "b", ["mairie de Plougastel"], "Nouvelle attaque contre la mairie de Plougastel.", day="2025-06-02"
    )
    assert not linked(first, again)


def test_an_article_recalling_another_attack_is_not_merged_with_it():
    first = incident("a", ["mairie de Plougastel"], FIRST)
    other = incident(
        "b",
        ["clinique du Ponant", "mairie de Plougastel"],
        "La clinique du Ponant, à Brest, a subi une cyberattaque. La mairie de Plougastel avait été visée avant elle.",
    )
    assert not linked(first, other)


def test_an_incident_without_a_named_victim_joins_the_victim_its_lead_names():
    first = incident("a", ["mairie de Plougastel"], FIRST, day="2024-03-09")
    lead = "Plougastel : trois semaines après l'attaque, les services reprennent peu à peu."
    assert linked(first, incident("b", [], lead, published="2024-03-30"))
    later = "Les services reprennent peu à peu. " * 10 + "La mairie de Plougastel remercie ses agents."
    assert not linked(first, incident("c", [], later, published="2024-03-30"))  # not in the lead
    assert not linked(first, incident("d", [], lead, published="2025-03-30"))  # another year


def test_a_town_is_recognised_by_its_demonym_in_an_unnamed_victims_lead():
    first = incident(
        "a", ["Ville de Brest"], "La ville de Brest victime d'une cyberattaque.", day="2024-03-09"
    )
    lead = "L'administration brestoise ne peut plus délivrer d'actes d'état civil depuis lundi."
    assert linked(first, incident("b", [], lead, published="2024-03-12"))
    noisy = incident("c", ["université victime d'une"], "L'université victime d'une cyberattaque.")
    scam = "Les victimes d'un faux conseiller bancaire ont perdu plusieurs milliers d'euros."
    assert not linked(noisy, incident("d", [], scam))  # « victime » names no one


def test_a_syndicated_copy_is_linked_whatever_was_extracted():
    text = FIRST + " Les services à l'accueil fonctionnent en mode dégradé, précise la municipalité. " * 3
    assert linked(incident("a", [], text), incident("b", ["Plougastel"], text))


def test_clusters_are_transitive_and_keyed_by_their_first_member():
    members = [
        incident("a", ["mairie de Plougastel"], FIRST, day="2024-03-09"),
        incident(
            "b", ["clinique du Ponant"], "La clinique du Ponant visée par une cyberattaque.", day="2024-03-10"
        ),
        incident("c", ["commune de Plougastel"], FOLLOW_UP, published="2024-03-30"),
    ]
    groups = cluster_incidents(members)
    assert [[m.article_key for m in group.members] for group in groups] == [["a", "c"], ["b"]]
    plougastel = groups[0]
    assert plougastel.cluster_id == "a#0"
    assert plougastel.earliest_date == dt.date(2024, 3, 9)
    assert plougastel.sources == ["https://presse.exemple/a", "https://presse.exemple/c"]
    assert plougastel.victim == "mairie de Plougastel"


def test_two_incidents_of_one_article_never_share_a_cluster():
    roundup = "Les opérateurs de tiers payant Viamédis et Almérys ont été piratés : les données de millions d'assurés exposées."
    both = [
        ArticleIncident("r#0", "r", 0, ["Almérys"], None, None, roundup),
        ArticleIncident("r#1", "r", 1, ["Viamédis"], None, None, roundup),
    ]
    follow_up = incident(
        "f",
        ["tiers payant Viamedis", "Almérys"],
        "Le tiers payant Viamedis, piraté, porte plainte ; Almérys aussi.",
    )
    groups = cluster_incidents([*both, follow_up])
    assert [[m.key for m in group.members] for group in groups] == [["r#0"], ["r#1", "f#0"]]


def test_candidate_pairs_hold_every_linked_pair_and_few_others():
    text = FIRST + " Les services à l'accueil fonctionnent en mode dégradé, précise la municipalité. " * 3
    members = [
        incident("a", ["mairie de Plougastel"], FIRST, day="2024-03-09"),
        incident("b", ["commune de Plougastel", "agents"], FOLLOW_UP, published="2024-03-30"),
        incident("c", [], "Plougastel : les services reprennent peu à peu.", published="2024-03-30"),
        incident("d", ["CHSF"], "Le CHSF visé par un rançongiciel."),
        incident(
            "e", ["Centre hospitalier Sud Francilien"], "Le Centre hospitalier Sud Francilien rançonné."
        ),
        incident("f", ["Desjardin"], "Fuite chez Desjardin."),
        incident("g", ["Mouvement Desjardins"], "Desjardins : des données de membres volées."),
        incident("h", [], text),
        incident("i", ["Plougastel"], text),
        incident("j", ["clinique du Ponant"], "La clinique du Ponant visée par une cyberattaque."),
        incident("k", ["Ville de Brest"], "La ville de Brest victime d'une cyberattaque."),
        incident("l", [], "L'administration brestoise ne peut plus délivrer d'actes d'état civil."),
    ]
    linked_pairs = {
        (i, j) for i, j in itertools.combinations(range(len(members)), 2) if linked(members[i], members[j])
    }
    candidates = candidate_pairs(members)
    assert linked_pairs <= candidates
    assert len(linked_pairs) >= 8 and len(candidates) < len(members) * (len(members) - 1) // 2


def pairwise(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        same_gold = gold[a] == gold[b]
        same_predicted = a in predicted and b in predicted and predicted[a] == predicted[b]
        tp += same_gold and same_predicted
        fp += same_predicted and not same_gold
        fn += same_gold and not same_predicted
    return tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn)


@pytest.mark.model
@pytest.mark.skipif(not (CLUSTERS / "clusters.json").is_file(), reason="shared clusters corpus not present")
def test_pairwise_precision_and_recall_on_the_clusters_corpus(nlp, capsys):
    from incident_extract.records import process_inputs
    from incident_extract.settings import DEFAULT_SETTINGS

    settings = DEFAULT_SETTINGS.model_copy(update={"relevance_filter": True})
    records: list[ArticleRecord] = list(process_inputs([CLUSTERS / "articles"], nlp=nlp, settings=settings))
    gold_file = json.loads((CLUSTERS / "clusters.json").read_text(encoding="utf-8"))
    gold = {aid: str(n) for n, group in enumerate(gold_file["clusters"]) for aid in group["articles"]}
    gold |= {aid: aid for aid in gold_file["singletons"]}
    for record in records:
        record.source.url = record.source.id  # the corpus URLs are those of the outlets
    predicted = {
        member.article_key: group.cluster_id
        for group in cluster(records)
        for member in group.members
        if member.incident_index == 0
    }
    precision, recall = pairwise(predicted, gold)
    with_incident = {aid: label for aid, label in gold.items() if aid in predicted}
    _, recall_extracted = pairwise(predicted, with_incident)
    with capsys.disabled():
        print(
            f"\nclusters corpus: pairwise precision {precision:.3f}, recall {recall:.3f} "
            f"({recall_extracted:.3f} over the {len(with_incident)}/{len(gold)} articles with an extracted incident)"
        )
    assert precision >= 0.95
    assert recall >= 0.85
