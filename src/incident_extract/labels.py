"""French labels for every vocabulary id of the record, for people reading the outputs.

Records keep stable ids (``public_administration``, ``PARQUET``); tables shown to analysts
(the CSV, the SQLite store's ``labels`` table and ``*_label`` columns) add these labels beside
them. A test checks that every id the models allow has its label.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

LABELS: dict[str, dict[str, str]] = {
    "attack_types": {
        "ransomware": "rançongiciel",
        "phishing": "hameçonnage",
        "intrusion": "intrusion",
        "data_theft": "vol de données",
        "ddos": "déni de service",
        "defacement": "défiguration",
        "malware": "logiciel malveillant",
        "account_takeover": "piratage de compte",
        "fraud": "escroquerie",
        "supply_chain": "attaque par un prestataire",
    },
    "systems": {
        "information_system": "système d'information",
        "website": "site web",
        "online_platform": "plateforme en ligne",
        "email": "messagerie",
        "telephony": "téléphonie",
        "business_software": "logiciels métiers",
        "database": "bases de données",
        "workstations": "postes de travail",
        "backups": "sauvegardes",
        "industrial": "systèmes industriels",
        "payment": "paiement",
        "other": "autre",
    },
    "data_leaked": {
        "name": "nom et prénom",
        "birth_date": "date de naissance",
        "civil_status": "état civil",
        "social_security_number": "numéro de sécurité sociale",
        "address": "adresse postale",
        "email": "adresse électronique",
        "phone": "téléphone",
        "contact": "coordonnées",
        "bank_details": "coordonnées bancaires",
        "payment_card": "carte de paiement",
        "health_data": "données de santé",
        "id_document": "pièce d'identité",
        "insurance_info": "informations d'assurance",
        "credentials": "identifiants et mots de passe",
        "financial_documents": "documents financiers",
        "other": "autre",
    },
    "authorities": {
        "ANSSI": "ANSSI (CERT-FR)",
        "CNIL": "CNIL",
        "ARS": "agence régionale de santé",
        "PARQUET": "parquet",
        "JUSTICE": "justice",
        "GENDARMERIE": "gendarmerie",
        "POLICE": "police",
        "DGS": "direction générale de la santé",
        "HFDS": "haut fonctionnaire de défense et de sécurité",
        "ANS": "agence du numérique en santé",
        "CYBERMALVEILLANCE": "cybermalveillance.gouv.fr",
        "CSIRT": "CSIRT régional",
        "PREFECTURE": "préfecture",
        "MINISTRY": "ministère",
        "EU": "Union européenne",
        "OTHER": "autre autorité",
    },
    "sectors": {
        "health": "santé",
        "insurance": "assurance",
        "finance": "finance",
        "public_administration": "administration publique",
        "education": "éducation",
        "research": "recherche",
        "industry": "industrie",
        "retail": "commerce",
        "transport": "transport",
        "energy": "énergie",
        "telecom": "télécommunications",
        "media": "médias",
        "defense": "défense",
        "legal": "juridique",
        "other": "autre",
    },
    "date_roles": {
        "attack": "attaque",
        "discovery": "découverte",
        "disclosure": "annonce",
        "leak": "publication des données",
        "restoration": "rétablissement",
        "complaint": "plainte",
        "other": "autre",
    },
    "status": {"confirmed": "confirmé", "claimed": "revendiqué", "possible": "possible"},
    "victim_kinds": {"organization": "organisation", "person": "personne", "group": "groupe"},
}
"""Vocabulary -> id -> French label. The vocabularies are named after the record's fields."""


def label(vocabulary: str, value: str | None) -> str | None:
    """The French label of an id, or the id itself when it has none (a name, a future id)."""
    if value is None:
        return None
    return LABELS.get(vocabulary, {}).get(value, value)


def labels_of(vocabulary: str, values: Iterable[str]) -> list[str]:
    return [label(vocabulary, value) or value for value in values]


def label_rows() -> Iterator[tuple[str, str, str]]:
    """``(vocabulary, id, label)`` for every id: the rows of the store's ``labels`` table."""
    for vocabulary, labels in LABELS.items():
        for value, text in labels.items():
            yield vocabulary, value, text
