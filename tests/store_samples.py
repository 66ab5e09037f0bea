"""Records built by hand for the output-format tests: no model needed, every field and oddity covered."""

from __future__ import annotations

from incident_extract.models import (
    ArticleRecord,
    AttackDate,
    AttackTypeItem,
    AuthorityItem,
    DataItem,
    DateMention,
    DeniedItem,
    Evidence,
    Incident,
    NamedItem,
    PeopleAffected,
    SectorItem,
    Source,
    SystemItem,
    Victim,
)

HOSPITAL_TEXT = (
    "Le centre hospitalier de Pontivy a été victime d'une cyberattaque au rançongiciel samedi 9 mars. "
    "L'attaque, revendiquée par le groupe LockBit 3.0, a été découverte lundi par les équipes informatiques. "
    "Les dossiers patients informatisés et la messagerie sont inaccessibles ; des données de santé "
    "auraient été dérobées. Aucune donnée bancaire n'est concernée. "
    "Près de 300.000 patients pourraient être touchés, selon l'ARS Bretagne. "
    "L'établissement a porté plainte auprès de la gendarmerie et prévenu l'ANSSI ainsi que la CNIL. "
    "Orange Cyberdéfense accompagne l'hôpital. "
    "La mairie de Lorient avait subi une attaque par déni de service en janvier."
)

ADVICE_TEXT = (
    "Comment reconnaître un courriel d'hameçonnage ? Vérifiez l'adresse de l'expéditeur ; "
    "ne cliquez pas sur les liens inattendus."
)

LONG_EVIDENCE = "Le syndicat « mixte » ; a été touché 🚨 par une attaque " + "très " * 30_000 + "longue."
ODD_TEXT = (
    '=HYPERLINK("http://evil.example/x","cliquez") "guillemets" ; point-virgule\n'
    "+33 6 12 34 56 78\r\n"
    "-moins @arobase\tTab 🚨🔐 émoji.\n\n" + LONG_EVIDENCE + "\n'apostrophe au début"
)


def evidence(text: str, phrase: str) -> Evidence:
    """Evidence for the first occurrence of ``phrase`` in ``text``."""
    start = text.index(phrase)
    return Evidence(start=start, end=start + len(phrase), text=phrase)


def hospital_record() -> ArticleRecord:
    """An article with two incidents and every field set, denied and possible items included."""
    text = HOSPITAL_TEXT

    def ev(phrase: str) -> Evidence:
        return evidence(text, phrase)

    main = Incident(
        victims=[
            Victim(
                name="centre hospitalier de Pontivy",
                evidence=ev("Le centre hospitalier de Pontivy"),
                rule="victims.org.sante",
            ),
            Victim(
                name="patients",
                kind="group",
                evidence=ev("300.000 patients"),
                rule="victims.group",
                status="possible",
            ),
        ],
        attack_date=AttackDate(
            value="2024-03-09", text="samedi 9 mars", evidence=ev("samedi 9 mars"), rule="dates.weekday"
        ),
        dates=[
            DateMention(
                value="2024-03-11",
                text="lundi",
                role="discovery",
                evidence=ev("découverte lundi"),
                rule="dates.discovery",
            ),
        ],
        attack_types=[
            AttackTypeItem(id="ransomware", evidence=ev("rançongiciel"), rule="terms.attack.ransomware"),
            AttackTypeItem(
                id="data_theft",
                evidence=ev("auraient été dérobées"),
                rule="terms.attack.theft",
                status="possible",
            ),
        ],
        systems=[
            SystemItem(
                category="database",
                name="dossiers patients informatisés",
                evidence=ev("dossiers patients informatisés"),
                rule="terms.system.db",
            ),
            SystemItem(
                category="email", name="messagerie", evidence=ev("messagerie"), rule="terms.system.email"
            ),
        ],
        data_leaked=[
            DataItem(
                id="health_data",
                name="données de santé",
                evidence=ev("données de santé"),
                rule="terms.data.health",
                status="possible",
            ),
        ],
        authorities=[
            AuthorityItem(
                id="ARS", name="ARS Bretagne", evidence=ev("ARS Bretagne"), rule="terms.authority.ars"
            ),
            AuthorityItem(
                id="GENDARMERIE",
                name="gendarmerie",
                evidence=ev("gendarmerie"),
                rule="terms.authority.gendarmerie",
            ),
            AuthorityItem(id="ANSSI", name="ANSSI", evidence=ev("ANSSI"), rule="terms.authority.anssi"),
            AuthorityItem(id="CNIL", name="CNIL", evidence=ev("CNIL"), rule="terms.authority.cnil"),
        ],
        threat_actors=[
            NamedItem(
                name="LockBit 3.0",
                evidence=ev("revendiquée par le groupe LockBit 3.0"),
                rule="actors.claimed_by",
                status="claimed",
            ),
        ],
        responders=[
            NamedItem(name="Orange Cyberdéfense", evidence=ev("Orange Cyberdéfense"), rule="responders.known")
        ],
        locations=[NamedItem(name="Pontivy", evidence=ev("Pontivy"), rule="locations.city")],
        sectors=[SectorItem(id="health", evidence=ev("centre hospitalier"), rule="sectors.health")],
        people_affected=PeopleAffected(
            value=300000,
            text="300.000 patients",
            evidence=ev("Près de 300.000 patients"),
            rule="counts.people",
            status="possible",
        ),
        denied=[
            DeniedItem(
                field="data_leaked",
                id="bank_details",
                name="donnée bancaire",
                evidence=ev("Aucune donnée bancaire n'est concernée."),
                rule="terms.data.bank",
            ),
        ],
    )
    second = Incident(
        victims=[
            Victim(name="mairie de Lorient", evidence=ev("La mairie de Lorient"), rule="victims.org.mairie")
        ],
        attack_types=[AttackTypeItem(id="ddos", evidence=ev("déni de service"), rule="terms.attack.ddos")],
        sectors=[SectorItem(id="public_administration", evidence=ev("mairie"), rule="sectors.public")],
    )
    return ArticleRecord(
        source=Source(
            path="articles/pontivy.json",
            id="pontivy",
            url="https://www.ouest-france.fr/bretagne/pontivy/cyberattaque-hopital?utm_source=rss#commentaires",
            title="Cyberattaque : l'hôpital de Pontivy paralysé",
            site="ouest-france.fr",
            published="2024-03-12",
        ),
        text=text,
        is_incident=True,
        incidents=[main, second],
    )


def advice_record() -> ArticleRecord:
    return ArticleRecord(source=Source(path="articles/conseils.txt", id="conseils"), text=ADVICE_TEXT)


def error_record(name: str = "vide.txt", error: str = "empty file") -> ArticleRecord:
    return ArticleRecord(
        source=Source(path=f"articles/{name}", id=name.split(".")[0]), text="", errors=[error]
    )


def odd_record() -> ArticleRecord:
    """Quotes, semicolons, CR/LF, tabs, emoji, formula-looking cells and a 150,000-character evidence."""
    text = ODD_TEXT
    incident = Incident(
        victims=[
            Victim(
                name='=HYPERLINK("http://evil.example/x","cliquez")',
                evidence=evidence(text, "=HYPERLINK"),
                rule="=1+1",
            ),
            Victim(
                name="syndicat « mixte » ; 🚨", evidence=evidence(text, LONG_EVIDENCE), rule="victims.org;odd"
            ),
        ],
        threat_actors=[
            NamedItem(name="-moins @arobase", evidence=evidence(text, "-moins @arobase\tTab"), rule="actors")
        ],
        locations=[
            NamedItem(name="'apostrophe", evidence=evidence(text, "'apostrophe au début"), rule="@loc")
        ],
    )
    return ArticleRecord(
        source=Source(path="articles/odd;file.txt", title='+"Titre" ; avec\nretour 🔐', site="@site"),
        text=text,
        is_incident=True,
        incidents=[incident],
        errors=["avertissement ; avec point-virgule", "chemin C:\\dossier\\", "-commence par un tiret"],
    )


def sample_records() -> list[ArticleRecord]:
    return [
        hospital_record(),
        advice_record(),
        error_record(),
        error_record("casse.html", "binary content"),
        odd_record(),
    ]
