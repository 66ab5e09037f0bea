"""The feed pre-filter: cheap, accent- and case-blind, and it must not lose an incident."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from incident_extract.relevance import is_relevant, is_relevant_text, term_regex
from incident_extract.rules_io import VocabularyFile, load_vocabulary

from .conftest import DEV_CORPUS

CORPUS = DEV_CORPUS.parent

LEAD_CHARS = 400


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        ("La clinique des Tilleuls victime d'une cyberattaque", None),
        ("CYBER-ATTAQUE CONTRE LA MAIRIE", ""),
        ("Cyber attaque : la région touchée", None),
        (None, "Un rancongiciel a chiffré les serveurs de la commune."),  # cedilla forgotten
        ("Vague de hameconnage visant les clients d'une banque", None),
        ("Fuite de données chez un transporteur", None),
        ("Le site de l'université rendu inaccessible par une attaque DDoS", None),
        ("Des hackers prorusses revendiquent l'attaque", None),
        ("Agen : une pharmacie escroquée après le piratage de sa messagerie", None),
        ("LockBit revendique l'attaque d'un hôpital", None),
        ("Weda ne répond plus : les médecins privés de logiciel", None),
    ],
)
def test_incident_items_are_kept(title, lead):
    keep, reason = is_relevant(title, lead)
    assert keep, reason


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        (
            "Football : le Stade quimpérois s'impose face à Concarneau",
            "Une victoire 2-1 au stade de Penvillers.",
        ),
        ("Fête de la châtaigne à Aubusson : record d'affluence", "Près de 8 000 visiteurs."),
        ("Un loup attaque un troupeau de brebis dans l'Hérault", None),
        (None, None),
    ],
)
def test_off_topic_items_are_dropped(title, lead):
    keep, reason = is_relevant(title, lead)
    assert not keep
    assert reason == "no cyber-incident word in the title or lead"


def test_reason_names_the_word_and_the_rule():
    decision = is_relevant("Sport", "La mairie visée par une cyberattaque")
    assert decision.keep
    assert decision.reason == "lead has cyber* (relevance.cyber)"


def test_words_match_whole_words_only():
    assert not is_relevant("Le ransom note du chanteur", None).keep  # "rançon" needs its own word
    assert not is_relevant("Un virus de la grippe", None).keep


@pytest.mark.parametrize(
    ("term", "text", "matches"),
    [
        ("fuite de données", "une fuite  de donnees massive", True),
        ("fuite de données", "une fuite de-données", False),  # a hyphen is part of a word, not a space
        ("cyber-attaque*", "des cyber-attaques", True),
        ("rançongiciel*", "un outil anti-rançongiciel", False),
        ("piraté*", "les serveurs ont été PIRATÉS", True),
        ("DDoS", "une attaque ddos", True),
        ("intrusion*", "une intrusions", True),
        ("rançon", "rançonnage", False),
    ],
)
def test_term_regex(term, text, matches):
    import re

    from incident_extract.rules_io import fold

    assert bool(re.search(term_regex(term), fold(text))) is matches


def test_rule_file_is_valid_and_strict():
    rules = load_vocabulary("relevance")  # the one loader of every vocabulary
    assert rules.field == "relevance"
    assert any(entry.ambiguous for entry in rules.entries)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        VocabularyFile.model_validate(
            {"field": "relevance", "entries": [{"id": "r.x", "value": "cyber", "terms": ["x"], "typo": 1}]}
        )
    with pytest.raises(ValidationError, match="not in the relevance vocabulary"):
        VocabularyFile.model_validate(
            {"field": "relevance", "entries": [{"id": "r.x", "value": "sport", "terms": ["x"]}]}
        )
    with pytest.raises(ValidationError, match="only relevance words can be ambiguous"):
        VocabularyFile.model_validate(
            {
                "field": "sectors",
                "entries": [{"id": "s.x", "value": "health", "terms": ["x"], "ambiguous": True}],
            }
        )


def dev_articles() -> list[tuple[str, str | None, str, bool]]:
    """(id, title, text, is_incident) of every dev article; .txt files carry their title on line 1."""
    articles = []
    for path in sorted((DEV_CORPUS / "articles").iterdir()):
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            title, text = data.get("title"), data.get("text") or ""
        elif path.suffix == ".txt":
            title, _, text = path.read_text(encoding="utf-8").partition("\n")
        else:
            continue
        gold = json.loads((DEV_CORPUS / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
        articles.append((path.stem, title, text, gold["is_incident"]))
    return articles


@pytest.mark.skipif(not (DEV_CORPUS / "gold").is_dir(), reason="shared dev corpus not present")
def test_no_dev_incident_is_dropped(capsys):
    articles = dev_articles()
    assert len(articles) >= 40
    lost = [
        (aid, is_relevant(title, text[:LEAD_CHARS]).reason)
        for aid, title, text, incident in articles
        if incident
    ]
    lost = [(aid, reason) for aid, reason in lost if reason.startswith("no ")]
    assert lost == []
    dropped = [
        aid
        for aid, title, text, incident in articles
        if not incident and not is_relevant(title, text[:LEAD_CHARS]).keep
    ]
    non_incidents = sum(1 for *_, incident in articles if not incident)
    with capsys.disabled():
        print(
            f"\npre-filter on the dev corpus: drops {len(dropped)}/{non_incidents} non-incident articles {dropped}"
        )
    assert dropped  # the filter does filter


# -- relevance on the cleaned full text (the default before spaCy) -------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Les serveurs de la mairie ont été piratés dans la nuit ; les agents n'ont plus accès à leurs fichiers.",
        "Le logiciel de rendez-vous ne répond plus depuis lundi : les données des patients sont inaccessibles.",
        "Un rançongiciel a bloqué l'activité du transporteur.",
        "Des escrocs ont vidé les comptes de retraités après un faux SMS de leur banque.",
        "Les pirates réclament une rançon pour ne pas publier les fichiers volés sur leur messagerie.",
        "Les internautes tombaient sur une page de slogans : le site du camping des Pins a été défiguré.",
        # an account of a social network is digital context for « piraté »
        "Le compte Instagram du club de volley de Brive a été piraté : de faux billets y étaient vendus.",
        # a skimmer on a payment page is told without any other incident word
        "Un code malveillant glissé dans la page de paiement de la boutique relevait les cartes des clients.",
        # phishing told by its fake login page, a fake bank change, a stolen laptop full of files,
        # an account taken over: no word of the attack vocabulary
        "La comptable a saisi son mot de passe sur une page contrefaite aux couleurs de sa banque.",
        "Un courriel annonçait aux adhérents du club un changement de RIB pour la cotisation annuelle.",
        "L'ordinateur portable volé dans la voiture du kinésithérapeute contenait les fichiers de ses patients.",
        "Des inconnus ont pris le contrôle de son compte de vendeuse et changé son mot de passe.",
        # a social page hijacked after a fake message, a SIM swap: told without the attack words
        "La page Facebook de la chorale a été détournée par des inconnus pour une fausse loterie.",
        "Le trésorier avait cliqué sur le lien d'un message et saisi son mot de passe.",
        "Avec un SIM swap, les voleurs ont reçu à sa place les codes de sa banque.",
        "Un fraudeur a obtenu une nouvelle carte SIM à son nom et vidé son compte en ligne.",
    ],
)
def test_full_text_keeps_incidents(text):
    decision = is_relevant_text(text)
    assert decision.keep, decision.reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Les ravisseurs exigeaient une rançon de deux cent mille euros pour libérer le commerçant.",
            "only rançon (relevance.ransomware.ambiguous), with no digital context near it",
        ),
        (
            "Des pirates ont abordé un cargo au large du golfe de Guinée et pris l'équipage en otage.",
            "only piraté* (relevance.attack.ambiguous), with no digital context near it",
        ),
        (
            "Une fuite de gaz a provoqué l'évacuation de l'immeuble.",
            "only fuite (relevance.data_breach.ambiguous), with no digital context near it",
        ),
        ("Le club s'impose 3-0 devant son public.", "no cyber-incident word in the text"),
        (
            "Le candidat sortant a pris le contrôle du conseil municipal dès le premier tour.",
            "only pris le contrôle (relevance.attack.ambiguous), with no digital context near it",
        ),
        (
            "Le cortège a été détourné par la rue des Halles à cause des travaux.",
            "only détourné (relevance.attack.ambiguous), with no digital context near it",
        ),
    ],
)
def test_full_text_skips_misleading_words_without_digital_context(text, reason):
    assert is_relevant_text(text) == (False, reason)


def test_context_must_be_near_the_ambiguous_word():
    far = "Une panne d'électricité a privé le quartier de lumière. " + "Le maire a réuni les habitants. " * 15
    assert not is_relevant_text(far + "La commune numérise ses archives.").keep
    assert is_relevant_text("Une panne des serveurs a privé le quartier de services.").keep


def shared_articles(folder: Path) -> list[tuple[str, str | None, str]]:
    """(id, title, text) of the .json articles of a shared corpus folder."""
    articles = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        articles.append((path.stem, data.get("title"), data.get("text") or ""))
    return articles


@pytest.mark.skipif(not (DEV_CORPUS / "gold").is_dir(), reason="shared corpus not present")
def test_full_text_keeps_every_annotated_incident_and_skips_off_topic_news(capsys):
    incidents = [(aid, title, text) for aid, title, text, incident in dev_articles() if incident]
    clusters = CORPUS / "clusters"
    if clusters.is_dir():  # every article there reports an incident
        incidents += shared_articles(clusters / "articles")
    for gold in sorted(Path(__file__).parents[1].glob("eval/holdout*/gold")):  # written by outsiders
        annotated = shared_articles(gold.parent / "articles")
        incidents += [
            (aid, title, text)
            for aid, title, text in annotated
            if json.loads((gold / f"{aid}.json").read_text(encoding="utf-8"))["is_incident"]
        ]
    decisions = [(aid, is_relevant_text(text, title)) for aid, title, text in incidents]
    assert [(aid, decision.reason) for aid, decision in decisions if not decision.keep] == []
    off_topic = shared_articles(CORPUS / "offtopic" / "articles")
    if not off_topic:
        return
    kept = [aid for aid, title, text in off_topic if is_relevant_text(text, title).keep]
    share = 1 - len(kept) / len(off_topic)
    with capsys.disabled():
        print(
            f"\nfull-text relevance: {len(incidents)} incidents kept; off-topic skipped {share:.1%} (kept {kept})"
        )
    assert share >= 0.90
