"""The benchmark's texts: real dev and sample articles, multiplied into N varied articles.

Every measured step reads the same generated corpus, so that raw spaCy, raw trafilatura and
the project are compared on identical input. Variants change names, numbers and paragraph
order, so that spaCy's caches and string store see new material as a real feed would, while
the texts keep the length and style of real articles. Generation is deterministic: article i
is the same whatever N is, so the first 100 articles of a 10,000 run are those of a 100 run.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

DEV_ARTICLES = Path("/work/shared/corpus/dev/articles")
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DEFAULT_PUBLISHED = dt.date(2024, 10, 21)

TOWNS = [
    "Rennes", "Brest", "Lorient", "Vannes", "Quimper", "Saint-Brieuc", "Nantes", "Angers",
    "Laval", "Le Mans", "Tours", "Poitiers", "Niort", "Limoges", "Périgueux", "Agen", "Pau",
    "Tarbes", "Albi", "Rodez", "Nîmes", "Avignon", "Valence", "Grenoble", "Chambéry", "Annecy",
    "Besançon", "Dijon", "Troyes", "Reims", "Amiens", "Arras", "Dunkerque", "Rouen", "Caen",
    "Cherbourg", "Évreux", "Chartres", "Orléans", "Bourges",
]  # fmt: skip
ORGANISATIONS = [
    "Delorme-Aubry", "Kervella", "Armor Santé", "Val de Rance", "Pasteur-Lamartine",
    "Sainte-Anne", "Les Tilleuls", "Hexagone Logistique", "Bocage Industries", "Atlantis Conseil",
    "Marcellin-Berthelot", "Mont-Blanc Services", "Clairval", "Saint-Exupéry", "Jean-Moulin",
    "Vauban", "Océane Distribution", "Les Hauts de Loire", "Picardie Numérique", "Lumière",
]  # fmt: skip
SITES = [
    "Le Courrier du Val", "L'Écho de l'Ouest", "La Dépêche des Monts", "Le Journal du Littoral",
    "Ouest Régions Info", "Le Républicain des Vallées",
]  # fmt: skip

ORG_NAME = re.compile(
    r"\b(?:centre hospitalier|hôpital|clinique|mairie|commune|ville|université|lycée|collège|groupe"
    r"|société|mutuelle|entreprise|CHU|département|conseil départemental|communauté d['’]agglomération)"
    r"[ \t]+(?P<prep>(?:de|du|des)[ \t]+|d['’])?"
    r"(?P<name>[A-ZÉÈÂÎ][\w'’-]+(?:[ \t-](?:[A-ZÉÈÂÎ][\w'’-]+|sur|en|lès|de|la|le))*)"
)
TRAILING_CONNECTOR = re.compile(r"(?:[ \t-](?:sur|en|lès|de|la|le))+$")
MID_SENTENCE_NAME = re.compile(r"(?<=[a-zà-ÿ,;:»\"'’(] )[A-ZÉÈ][\w-]{2,}(?: [A-ZÉÈ][\w-]{2,})*")
NUMBER = re.compile(
    r"(?<![\w.,/:-])\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?![\w,/:-])|(?<![\w.,/:-])\d{2,}(?![\w.,/:-])"
)


@dataclass(frozen=True)
class BenchArticle:
    """One benchmark article: ``text`` is exactly what the text steps get; ``html`` wraps it."""

    id: str
    url: str
    title: str
    published: str
    text: str
    html: str


@dataclass(frozen=True)
class BaseArticle:
    id: str
    title: str | None
    published: str | None
    paragraphs: list[str]


def load_bases(dev: Path = DEV_ARTICLES, samples: Path = SAMPLES) -> list[BaseArticle]:
    """Dev articles and the good samples (the empty and binary samples are left out)."""
    bases: list[BaseArticle] = []
    for folder in (dev, samples):
        for path in sorted(folder.glob("*")):
            bases.extend(_read_file(path))
    if not bases:
        raise SystemExit(f"no articles found under {dev} or {samples}")
    return bases


def _read_file(path: Path) -> Iterator[BaseArticle]:
    data = path.read_bytes()
    if not data.strip() or b"\x00" in data[:4096]:
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
            if line.strip():
                yield from _from_mapping(json.loads(line), f"{path.stem}-{number}")
    elif suffix == ".json":
        yield from _from_mapping(json.loads(data.decode("utf-8")), path.stem)
    elif suffix in (".html", ".htm"):
        yield from _from_mapping({"html": data.decode("utf-8")}, path.stem)
    elif suffix == ".txt":
        yield from _from_mapping({"text": _decode(data)}, path.stem)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # the latin-1 sample


def _from_mapping(obj: dict, default_id: str) -> Iterator[BaseArticle]:
    title, published, text = obj.get("title"), obj.get("published"), obj.get("text")
    if text is None and obj.get("html"):
        import trafilatura  # only here: measured steps import this module and must not pay for it

        document = trafilatura.bare_extraction(obj["html"], with_metadata=True, include_comments=False)
        if document is None:
            return
        text, title, published = document.text, title or document.title, published or document.date
    paragraphs = [p.strip() for p in re.split(r"\n+", text or "") if p.strip()]
    if paragraphs:
        yield BaseArticle(str(obj.get("id") or default_id), title, published, paragraphs)


def headline_text(title: str, body: str) -> str:
    """The text the project keeps: headline, blank line, body (unless the body opens with it)."""
    squash = re.sub(r"\W+", " ", title).strip().casefold()
    if squash in re.sub(r"\W+", " ", body[: len(title) + 300]).casefold():
        return body
    return f"{title}\n\n{body}"


def derive_title(paragraphs: list[str]) -> str:
    """A headline for an article that came without one: its first sentence, or its first words."""
    first = re.split(r"(?<=[.!?])\s", paragraphs[0], maxsplit=1)[0]
    if len(first) <= 140:
        return first.rstrip(".")
    return " ".join(first.split()[:12]) + "…"


def vary(base: BaseArticle, variant: int, rng: random.Random) -> tuple[str, list[str]]:
    """Variant 0 is the article itself; others swap names and towns, change numbers, shuffle."""
    title = base.title or derive_title(base.paragraphs)
    paragraphs = list(base.paragraphs)
    if variant == 0:
        return title, paragraphs
    replacements: dict[str, str] = {}
    joined = "\n".join([title, *paragraphs])
    for match in ORG_NAME.finditer(joined):
        name = TRAILING_CONNECTOR.sub("", match["name"])
        if len(name) > 2 and name not in replacements:
            replacements[name] = rng.choice(TOWNS if match["prep"] else ORGANISATIONS)
    main_name = _main_name(joined)
    if main_name and main_name not in replacements:
        replacements[main_name] = rng.choice(ORGANISATIONS)
    for town in TOWNS:
        if town not in replacements and re.search(rf"(?<![\w-]){re.escape(town)}(?![\w-])", joined):
            replacements[town] = rng.choice(TOWNS)
    swap = _swapper(replacements)
    title, paragraphs = swap(title), [swap(p) for p in paragraphs]
    title, paragraphs = _renumber(title, rng), [_renumber(p, rng) for p in paragraphs]
    unchanged = paragraphs == base.paragraphs
    if len(paragraphs) > 2 and (unchanged or rng.random() < 0.5):
        rest = paragraphs[1:]
        rng.shuffle(rest)
        paragraphs = [paragraphs[0], *rest]
    return title, paragraphs


def _main_name(text: str) -> str | None:
    """The most repeated capitalised name inside sentences: usually the organisation the article
    is about (« Boulanger », « Almérys »), which a variant renames."""
    counts: dict[str, int] = {}
    for match in MID_SENTENCE_NAME.finditer(text):
        counts[match.group(0)] = counts.get(match.group(0), 0) + 1
    name = max(counts, key=counts.__getitem__, default=None)
    return name if name and counts[name] >= 2 else None


def _swapper(replacements: dict[str, str]):
    if not replacements:
        return lambda text: text
    names = sorted(replacements, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    return lambda text: pattern.sub(lambda m: replacements[m.group(0)], text)


def _renumber(text: str, rng: random.Random) -> str:
    """Change counts and amounts (>= 32, not years), keeping their written form."""

    def new(match: re.Match) -> str:
        written = match.group(0)
        separator = next((c for c in written if not c.isdigit()), "")
        value = int(re.sub(r"\D", "", written))
        if value < 32 or 1900 <= value <= 2100:
            return written
        changed = max(32, int(value * rng.uniform(0.5, 2.0)))
        if changed >= 1000 and separator:
            return f"{changed:,}".replace(",", separator)
        return str(changed)

    return NUMBER.sub(new, text)


def make_corpus(n: int, bases: list[BaseArticle] | None = None, seed: int = 7) -> list[BenchArticle]:
    """N articles cycling over the bases; article i depends on (seed, i) only."""
    bases = bases or load_bases()
    articles = []
    for i in range(n):
        base, variant = bases[i % len(bases)], i // len(bases)
        rng = random.Random(f"{seed}:{i}")
        title, paragraphs = vary(base, variant, rng)
        published = (base.published or DEFAULT_PUBLISHED.isoformat())[:10]
        site = SITES[i % len(SITES)]
        slug = re.sub(r"[^a-z0-9]+", "-", title.casefold())[:60].strip("-") or "article"
        url = f"https://www.{re.sub(r'[^a-z]+', '', site.casefold())}.fr/faits-divers/{slug}-{i}"
        text = headline_text(title, "\n".join(paragraphs))
        page = render_page(title, paragraphs, site, url, published, rng)
        articles.append(BenchArticle(f"{base.id}-v{variant}", url, title, published, text, page))
    return articles


def write_corpus(articles: list[BenchArticle], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(asdict(article), ensure_ascii=False) + "\n")
    return path


def read_corpus(path: Path, n: int) -> list[BenchArticle]:
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line, _ in zip(handle, range(n), strict=False):
            articles.append(BenchArticle(**json.loads(line)))
    if len(articles) < n:
        raise SystemExit(f"{path} holds {len(articles)} articles, {n} asked")
    return articles


NAV = ["Accueil", "Actualité", "Faits divers", "Économie", "Politique", "Sport", "Culture", "Services"]
RELATED = [
    "Rançongiciel : comment les collectivités se préparent à la prochaine attaque",
    "Cybersécurité : les hôpitaux de la région renforcent leurs sauvegardes",
    "Hameçonnage : une vague de faux SMS de livraison signalée dans le département",
    "L'ANSSI alerte sur la hausse des attaques contre les PME",
    "Fuite de données : que faire si vos informations ont été dérobées ?",
    "Le tribunal judiciaire se dote d'un pôle spécialisé en cybercriminalité",
]
COMMENTS = [
    ("Jean-Pierre", "Encore une fois, les sauvegardes n'étaient sans doute pas à jour. Lamentable."),
    ("Sophie_44", "Courage aux agents qui doivent tout refaire à la main, ce n'est pas de leur faute."),
    ("Marc D.", "Il serait temps que l'État investisse vraiment dans la sécurité informatique."),
    ("Anonyme", "On nous dit toujours qu'aucune donnée n'a fuité, et on apprend le contraire après."),
]


def render_page(
    title: str, paragraphs: list[str], site: str, url: str, published: str, rng: random.Random
) -> str:
    """A realistic French regional news page: metadata, menu, cookie banner, related links,
    comments and footer around the article, the boilerplate trafilatura must strip."""
    e = html.escape
    time_of_day = f"{rng.randrange(6, 22):02d}:{rng.randrange(60):02d}"
    nav = "\n".join(f'        <li><a href="/{e(item.casefold())}/">{e(item)}</a></li>' for item in NAV)
    related = "\n".join(
        f'        <li><a href="/actualite/{k}-{rng.randrange(10**6)}">{e(item)}</a></li>'
        for k, item in enumerate(rng.sample(RELATED, 4))
    )
    comments = "\n".join(
        f'      <div class="comment"><p class="comment-author">{e(who)}</p>'
        f'<p class="comment-text">{e(said)}</p></div>'
        for who, said in rng.sample(COMMENTS, 3)
    )
    body = "\n".join(f"      <p>{e(p)}</p>" for p in paragraphs)
    description = e(paragraphs[0][:155])
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(title)} - {e(site)}</title>
  <meta name="description" content="{description}">
  <link rel="canonical" href="{e(url)}">
  <meta property="og:type" content="article">
  <meta property="og:title" content="{e(title)}">
  <meta property="og:site_name" content="{e(site)}">
  <meta property="og:url" content="{e(url)}">
  <meta property="article:published_time" content="{published}T{time_of_day}:00+01:00">
  <meta property="article:section" content="Faits divers">
  <link rel="stylesheet" href="/static/css/main.css">
  <script async src="/static/js/analytics.js"></script>
</head>
<body>
  <div id="cookie-banner" class="cookie-consent" role="dialog">
    <p>Nous utilisons des cookies pour mesurer l'audience et vous proposer des publicités
    personnalisées. Vous pouvez accepter ou refuser ces cookies.</p>
    <button class="accept">Tout accepter</button> <button class="refuse">Continuer sans accepter</button>
    <a href="/politique-cookies">Paramétrer</a>
  </div>
  <header class="site-header">
    <a class="logo" href="/">{e(site)}</a>
    <nav class="main-menu">
      <ul>
{nav}
      </ul>
    </nav>
    <a class="subscribe" href="/abonnement">S'abonner</a>
  </header>
  <main>
    <nav class="breadcrumb"><a href="/">Accueil</a> &gt; <a href="/faits-divers/">Faits divers</a></nav>
    <article class="article">
      <h1 class="article-title">{e(title)}</h1>
      <p class="byline">Par la rédaction · Publié le
        <time datetime="{published}T{time_of_day}:00+01:00">{published}</time></p>
      <div class="share"><a href="#">Partager sur Facebook</a> <a href="#">Partager sur X</a></div>
      <div class="article-body">
{body}
      </div>
    </article>
    <aside class="related">
      <h2>À lire aussi</h2>
      <ul>
{related}
      </ul>
    </aside>
    <section id="comments" class="comments">
      <h2>Commentaires</h2>
{comments}
      <form class="comment-form"><textarea placeholder="Votre commentaire"></textarea>
        <button>Publier</button></form>
    </section>
    <div class="newsletter">Recevez l'essentiel de l'actualité chaque matin :
      <input type="email" placeholder="Votre adresse e-mail"> <button>Je m'inscris</button></div>
  </main>
  <footer class="site-footer">
    <ul>
      <li><a href="/mentions-legales">Mentions légales</a></li>
      <li><a href="/cgu">Conditions générales d'utilisation</a></li>
      <li><a href="/contact">Contact</a></li>
      <li><a href="/publicite">Publicité</a></li>
    </ul>
    <p>© 2024 {e(site)}. Tous droits réservés.</p>
  </footer>
</body>
</html>
"""
