"""Simulated works: titles, companies and credit codes, people, genres, format and popularity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from microdrama.catalog.uscc import check_char
from microdrama.catalog.vocab import GENRES, INVESTMENT_TIERS
from microdrama.demo.banks import (
    BRAND_FIRST,
    BRAND_SECOND,
    CITIES,
    CN_ORDINALS,
    COMPANY_KINDS,
    GENRE_WEIGHTS,
    GIVEN_NAMES,
    MODEL_KEYS,
    OVERSEAS_FROM,
    PLATFORMS,
    SURNAMES,
    TITLE_TEMPLATES,
)
from microdrama.demo.sampling import EPOCH, I64, choice, distinct_names, zipf_weights
from microdrama.ingest.columns import SPECS

if TYPE_CHECKING:
    from microdrama.demo.config import SimulationConfig

# The mixture's spreads are narrowed because platform, genre and producer effects and the cut of
# the window add spread of their own; 0.55 keeps the top 10% of works near 70-80% of plays
# [facts: Distributions / concentration: 70.5%].
_SD_SCALE = 0.55


def _person_pool(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct Chinese names: a surname and one or two given-name characters."""
    given = len(GIVEN_NAMES)
    per_surname = given + given * (given - 1)
    names = []
    for code in distinct_names(rng, count, len(SURNAMES) * per_surname).tolist():
        surname, rest = divmod(code, per_surname)
        if rest < given:
            names.append(SURNAMES[surname][0] + GIVEN_NAMES[rest][0])
        else:
            first, second = divmod(rest - given, given - 1)
            names.append(SURNAMES[surname][0] + GIVEN_NAMES[first][0] + GIVEN_NAMES[second + 1][0])
    return names


def _credit_code(region: str, body: int) -> str:
    """A well-formed code: 91 (enterprise), region, organisation code with its GB 11714 check."""
    digits = f"{body:08d}"
    check = (
        11 - sum(int(d) * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    )
    org = digits + ("X" if check == 10 else "0" if check == 11 else str(check))
    first17 = "91" + region + org
    return first17 + check_char(first17)


def _titles(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    """Unique Chinese titles with English counterparts, composed from the template banks."""
    # Small templates give way to the largest one, so that collisions stay rare.
    caps = np.array([np.prod([len(b) for b in t[3]]) for t in TITLE_TEMPLATES], dtype=np.float64)
    weights = np.array([t[0] for t in TITLE_TEMPLATES])
    weights = np.minimum(weights / weights.sum(), caps / (4 * n))
    weights[np.argmax(caps)] += 1 - weights.sum()
    template = choice(rng, weights, n)
    zh: list[str] = [""] * n
    en: list[str] = [""] * n
    for t, (_, zh_pattern, en_pattern, banks) in enumerate(TITLE_TEMPLATES):
        rows = np.flatnonzero(template == t)
        sizes = [len(b) for b in banks]
        codes = distinct_names(rng, rows.size, int(np.prod(sizes)))
        for row, code in zip(rows.tolist(), codes.tolist(), strict=True):
            parts = []
            for size in reversed(sizes):
                code, digit = divmod(code, size)
                parts.append(digit)
            picked = [bank[i] for bank, i in zip(banks, reversed(parts), strict=True)]
            zh[row] = zh_pattern.format(*(p[0] for p in picked))
            en[row] = en_pattern.format(*(p[1] for p in picked)).replace("  ", " ")
    seen: dict[str, int] = {}
    for i, title in enumerate(zh):
        k = seen.get(title, 0) + 1
        seen[title] = k
        if k > 1:
            zh[i] = f"{title}之{CN_ORDINALS[k - 2]}" if k <= 10 else f"{title}{k}"
            en[i] = f"{en[i]} {k}"
    return zh, en


def simulate_works(config: SimulationConfig, rng: np.random.Generator) -> dict[str, Any]:
    """Draw every work-level attribute, keyed by name, plus the company and people pools."""
    n = config.works
    w: dict[str, Any] = {"n": n}
    width = max(6, len(str(n)))
    w["work_id"] = [f"W{i:0{width}d}" for i in range(1, n + 1)]
    w["title"], w["title_en"] = _titles(rng, n)

    # Releases over the window and up to 60 days before it, at a rate rising from 60 to 170 a
    # month (relative, scaled to N) with month-to-month wobble [facts: Distributions / releases].
    span = config.days + 60
    ramp = 60 + 110 * np.arange(span) / max(span - 1, 1)
    wobble = rng.uniform(0.85, 1.15, size=span // 30 + 1)
    w["release"] = choice(rng, ramp * wobble[np.arange(span) // 30], n) - 60  # vs window start
    w["release_abs"] = (config.start_date - EPOCH).days + w["release"]  # days since 1970

    platform = choice(rng, [p[1] for p in PLATFORMS], n)
    w["platform"] = platform
    overseas = platform >= OVERSEAS_FROM

    # Companies: ~N/15 producers, heavy-tailed; a few distributors, top 3 with ~60% of works
    # [facts: Market / supply]. One credit code per company, region of its city.
    n_prod = max(3, round(n / 15))
    n_dist = max(5, n_prod // 20)
    capacity = len(BRAND_FIRST) * len(BRAND_SECOND) * len(COMPANY_KINDS)
    name_codes = distinct_names(rng, n_prod + n_dist, capacity)
    company_city = choice(rng, [c[1] for c in CITIES], n_prod + n_dist)
    company_city[:3] = [0, 1, 2]  # the biggest producers sit in Xi'an, Beijing, Hangzhou
    bodies = distinct_names(rng, n_prod + n_dist, 10**8)
    names, codes = [], []
    for i, (code, city, body) in enumerate(
        zip(name_codes.tolist(), company_city.tolist(), bodies.tolist(), strict=True)
    ):
        brand, kind = divmod(code, len(COMPANY_KINDS))
        b1, b2 = divmod(brand, len(BRAND_SECOND))
        suffix = "" if i < capacity else str(i)
        names.append(
            f"{CITIES[city][0]}{BRAND_FIRST[b1]}{BRAND_SECOND[b2]}{suffix}{COMPANY_KINDS[kind]}"
        )
        codes.append(_credit_code(CITIES[city][2], body))
    producer = choice(rng, zipf_weights(n_prod, 1.1), n)
    w["producer_idx"] = producer
    w["company_names"], w["company_codes"], w["company_city"] = names, codes, company_city
    rest = zipf_weights(n_dist - 3, 1.0)
    dist_weights = np.concatenate([[0.28, 0.18, 0.14], 0.4 * rest / rest.sum()])
    w["distributor"] = np.where(rng.random(n) < 0.7, n_prod + choice(rng, dist_weights, n), -1)
    w["publisher"] = np.where(rng.random(n) < 0.6, choice(rng, zipf_weights(n_prod, 1.3), n), -1)

    # Genres: 1-3 distinct keys by weighted sampling without replacement (Gumbel top-k).
    g_weights = np.array([GENRE_WEIGHTS[g.key][0] for g in GENRES], dtype=np.float64)
    g_keys = np.log(g_weights) + rng.gumbel(size=(n, len(GENRES)))
    g_order = np.argsort(-g_keys, axis=1)[:, :3]
    w["genre_count"] = choice(rng, [0.35, 0.45, 0.20], n) + 1
    w["genre_idx"] = g_order

    # Episodes: median 70, p10 41, p90 94, most common 80/60/100/70/50 [facts: Distributions].
    common = np.array([80, 60, 100, 70, 50])[choice(rng, [0.3, 0.22, 0.16, 0.18, 0.14], n)]
    spread = np.clip(np.rint(rng.normal(68, 20, n)), 20, 194)
    long_tail = np.rint(rng.uniform(100, 194, n))
    kind = rng.random(n)
    w["episodes"] = np.where(kind < 0.5, common, np.where(kind < 0.97, spread, long_tail))
    w["episodes"] = w["episodes"].astype(np.int64)
    w["episode_minutes"] = np.round(1 + 2 * rng.beta(2, 3, n), 1)  # 1-3 min, mean 1.8

    # Model: IAA leans to free apps and grows over time; ~45% IAA, 40% IAP, 15% hybrid works
    # [facts: Market / free vs paid].
    p_iaa = np.array([p[3] for p in PLATFORMS])[platform]
    p_iaa = np.clip(p_iaa * (0.8 + 0.4 * (w["release"] + 60) / span), 0, 0.95)
    u = rng.random(n)
    model = np.where(u < p_iaa, 1, np.where(rng.random(n) < 0.27, 2, 0))
    w["model"] = model
    paid = model != 1
    # Paywall after episode 8-15; 0.3-3 yuan an episode [facts: Works / format].
    w["paywall"] = np.where(paid, rng.integers(8, 16, n), -1)
    w["price"] = np.where(paid, np.round(np.exp(rng.uniform(np.log(0.3), np.log(3.0), n)), 2), 0)

    # Tiers 5/25/70% [facts: Market / regulatory tiers]; bigger producers more often "key".
    tier_u = rng.random(n) * np.where(producer < 10, 0.6, 1.0)
    w["tier"] = np.where(tier_u < 0.042, 0, np.where(tier_u < 0.25, 1, 2))

    q = rng.normal(size=n)
    w["q"] = q
    # Lifetime plays on the primary platform: the ReelShort log-normal mixture (27% "originals"
    # mu 16.83 sd 1.80, the rest mu 13.80 sd 0.80) [facts: Distributions / log-normal fit],
    # lifted for Chinese apps and shifted by quality, genre, producer size and tier.
    strong = rng.random(n) < 1 / (1 + np.exp(1.05 - 0.8 * q))
    z = 0.5 * q + np.sqrt(0.75) * rng.normal(size=n)
    size = np.bincount(producer, minlength=n_prod)[producer]
    genre_off = np.array([GENRE_WEIGHTS[g.key][1] for g in GENRES])[g_order[:, 0]]
    w["log_life"] = (
        np.where(strong, 16.83, 13.80)
        + np.where(strong, 1.80, 0.80) * _SD_SCALE * z
        + np.array([p[2] for p in PLATFORMS])[platform]
        + genre_off
        + 0.15 * np.log(size / size.mean())
        + np.array([0.3, 0.1, 0.0])[w["tier"]]
    )

    people = _person_pool(rng, max(60, n // 3))
    w["people"] = people
    w["director"] = choice(rng, zipf_weights(len(people) // 4, 0.8), n)
    w["screenwriter"] = len(people) // 4 + choice(rng, zipf_weights(len(people) // 4, 0.8), n)
    actors = choice(rng, zipf_weights(len(people) // 2, 0.9), 2 * n).reshape(n, 2)
    actors[:, 1] = np.where(actors[:, 1] == actors[:, 0], actors[:, 1] + 1, actors[:, 1])
    w["actors"] = len(people) // 2 + actors
    w["overseas"] = overseas
    w["filing_draw"] = rng.random(n)
    return w


def works_frame(w: dict[str, Any]) -> pl.DataFrame:
    """The works import frame (canonical `SPECS` columns) from the simulated attributes."""
    n = w["n"]
    names, codes, company_city = w["company_names"], w["company_codes"], w["company_city"]
    producer, people = w["producer_idx"], w["people"]
    genres = [
        "|".join(GENRES[g].zh for g in row[:k])
        for row, k in zip(w["genre_idx"].tolist(), w["genre_count"].tolist(), strict=True)
    ]
    release = pl.Series(w["release_abs"].astype(np.int32)).cast(pl.Date)
    years = release.dt.year().to_list()
    # Licence numbers: key works national, ordinary ones provincial, 30% of "other" provincial
    # too [facts: Market / regulatory tiers]; numbered in release order per issuer and year.
    filing: list[str | None] = [None] * n
    counters: dict[str, int] = {}
    for i in np.argsort(w["release_abs"], kind="stable").tolist():
        tier = int(w["tier"][i])
        if tier == 2 and w["filing_draw"][i] >= 0.3:
            continue
        province = CITIES[int(company_city[producer[i]])][3]
        prefix = ("" if tier == 0 else f"({province})") + f"网剧审字({years[i]})"
        counters[prefix] = counters.get(prefix, 0) + 1
        filing[i] = f"{prefix}第{counters[prefix]:03d}号"
    paid = w["model"] != 1

    def company(idx: I64) -> list[str | None]:
        return [names[i] if i >= 0 else None for i in idx.tolist()]

    data: dict[str, Any] = {
        "work_id": w["work_id"],
        "title": w["title"],
        "title_en": w["title_en"],
        "genres": genres,
        "episodes": pl.Series(w["episodes"], dtype=pl.Int64),
        "episode_minutes": w["episode_minutes"],
        "release_date": release,
        "platform": [PLATFORMS[p][0] for p in w["platform"].tolist()],
        "producer": company(producer),
        "city": [CITIES[int(company_city[p])][0] for p in producer.tolist()],
        "model": [MODEL_KEYS[m] for m in w["model"].tolist()],
        "paywall_episode": pl.Series(np.where(paid, w["paywall"], np.nan), nan_to_null=True).cast(
            pl.Int64
        ),
        "price_per_episode": pl.Series(np.where(paid, w["price"], np.nan), nan_to_null=True),
        "filing_no": pl.Series(filing, dtype=pl.Utf8),
        "investment_tier": [INVESTMENT_TIERS[t].zh for t in w["tier"].tolist()],
        "publisher": pl.Series(company(w["publisher"]), dtype=pl.Utf8),
        "distributor": pl.Series(company(w["distributor"]), dtype=pl.Utf8),
        "producer_credit_code": [codes[p] for p in producer.tolist()],
        "director": [people[i] for i in w["director"].tolist()],
        "screenwriter": [people[i] for i in w["screenwriter"].tolist()],
        "lead_actors": [f"{people[a]}|{people[b]}" for a, b in w["actors"].tolist()],
        "languages": ["zh|en" if o else "zh" for o in w["overseas"].tolist()],
    }
    return pl.DataFrame(data).select(SPECS["works"].all)
