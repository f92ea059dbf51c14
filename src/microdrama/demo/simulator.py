"""Simulated demo data (模拟数据 · Simulated data): a catalogue, daily metrics, ratings, reviews.

Nothing produced here describes a real drama, company or person. The frames imitate what users
import (the four kinds in `microdrama.ingest.columns.SPECS`) and come with the hidden truth
(latent quality, planted fake traffic, expert leniency) so that the index and the fraud checks
can be tested against known answers.

Calibration rows are cited as [facts: SECTION / ROW] from `shared/industry_facts.md`.
Everything is vectorised with numpy over all works and days; only work-level strings (titles,
names) are built in Python loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from microdrama.catalog.uscc import check_char
from microdrama.catalog.vocab import GENRES, INVESTMENT_TIERS
from microdrama.ingest.columns import SPECS

SIMULATED_NOTICE = "模拟数据 · Simulated data"

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
BoolA = npt.NDArray[np.bool_]
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class SimulationConfig:
    """Size, window and seed of a simulated catalogue."""

    works: int = 12_000
    days: int = 180
    seed: int = 20251101
    end_date: date = date(2025, 11, 30)  # last day of metrics
    fraud_share: float = 0.02  # share of works with planted fake traffic
    reviewed_share: float = 0.25  # share of works that get an expert panel
    experts: int = 60

    @property
    def start_date(self) -> date:
        """First day of the metrics window."""
        return self.end_date - timedelta(days=self.days - 1)


@dataclass(frozen=True)
class DemoData:
    """The four import frames plus the hidden truth behind them.

    Import frames use the canonical columns of `SPECS` with natural dtypes (Int64 counts,
    Float64 money rounded to 2 decimals, Date days); null means unknown or not applicable
    (recharge of an IAA work, ad revenue of an IAP work, ad spend of most works).
    Truth frames:
    - truth_works: work_id, latent_quality (standard normal), fraud (bool), popularity (natural
      log of lifetime plays on the primary platform, also those outside the window);
    - truth_fraud: work_id, platform, start, end (inclusive dates), kind ("plays", "likes",
      "plays_and_likes"), factor (the multiplier of the faked counts);
    - truth_experts: expert_id, leniency (score points added), noise_sd (score points).
    """

    works: pl.DataFrame
    metrics: pl.DataFrame
    ratings: pl.DataFrame
    reviews: pl.DataFrame
    truth_works: pl.DataFrame
    truth_fraud: pl.DataFrame
    truth_experts: pl.DataFrame


# --- vocabularies of the simulation -------------------------------------------------------------

# name, share of works as primary platform, log offset of plays, P(IAA). Free apps (红果/番茄/河马)
# lean to IAA and carry the biggest hits [facts: Works / hits]; ~10% overseas, mostly paid
# [facts: Distributions / paid share 88.5%].
_PLATFORMS: tuple[tuple[str, float, float, float], ...] = (
    ("红果短剧", 0.30, 1.5, 0.75),
    ("抖音", 0.18, 1.1, 0.40),
    ("微信小程序", 0.16, 0.2, 0.15),
    ("快手", 0.12, 0.8, 0.40),
    ("河马剧场", 0.05, 0.5, 0.75),
    ("番茄短剧", 0.04, 0.9, 0.75),
    ("抖音小程序", 0.05, 0.2, 0.15),
    ("ReelShort", 0.05, 0.0, 0.10),
    ("DramaBox", 0.03, -0.2, 0.10),
    ("ShortMax", 0.02, -0.4, 0.10),
)
_OVERSEAS_FROM = 7  # index of the first overseas platform above

# city, share of companies, region code (GB/T 2260), province abbreviation. Hubs first
# [facts: Hubs].
_CITIES: tuple[tuple[str, float, str, str], ...] = (
    ("西安", 0.20, "610100", "陕"),
    ("北京", 0.16, "110000", "京"),
    ("杭州", 0.14, "330100", "浙"),
    ("南京", 0.10, "320100", "苏"),
    ("郑州", 0.10, "410100", "豫"),
    ("上海", 0.07, "310000", "沪"),
    ("深圳", 0.05, "440300", "粤"),
    ("广州", 0.05, "440100", "粤"),
    ("成都", 0.04, "510100", "川"),
    ("长沙", 0.04, "430100", "湘"),
    ("武汉", 0.03, "420100", "鄂"),
    ("金华", 0.02, "330700", "浙"),
)

# genre key -> (sampling weight, log offset of plays) [facts: Works / popular genres].
# fmt: off
_GENRE_WEIGHTS: dict[str, tuple[float, float]] = {
    "urban": (10, 0.1), "sweet_romance": (12, 0.2), "revenge": (8, 0.15), "comeback": (10, 0.25),
    "rebirth": (8, 0.2), "time_travel": (6, 0.1), "war_god": (6, 0.2), "ceo": (9, 0.3),
    "family": (7, 0.1), "cute_baby": (5, 0.1), "costume": (6, 0.0), "fantasy": (5, -0.1),
    "suspense": (4, -0.1), "comedy": (3, -0.2), "youth": (3, -0.3), "rural": (2, -0.3),
}
# fmt: on

_MODEL_KEYS = ("IAP", "IAA", "hybrid")
# How strongly fake traffic concentrates on weaker works (log-odds per SD of latent quality).
_FRAUD_QUALITY_TILT = 1.0
# The mixture's spreads are narrowed because platform, genre and producer effects and the cut of
# the window add spread of their own; 0.55 keeps the top 10% of works near 70-80% of plays
# [facts: Distributions / concentration: 70.5%].
_SD_SCALE = 0.55

_Bank = tuple[tuple[str, str], ...]


def _bank(spec: str) -> _Bank:
    """Parse "zh=en; zh=en; ..." into (zh, en) pairs."""
    return tuple(
        (zh.strip(), en.strip()) for zh, en in (item.split("=") for item in spec.split(";"))
    )


_SURNAMES = _bank(
    "王=Wang;李=Li;张=Zhang;刘=Liu;陈=Chen;杨=Yang;赵=Zhao;黄=Huang;周=Zhou;吴=Wu;徐=Xu;孙=Sun;"
    "胡=Hu;朱=Zhu;高=Gao;林=Lin;何=He;郭=Guo;马=Ma;罗=Luo;梁=Liang;宋=Song;郑=Zheng;谢=Xie;"
    "韩=Han;唐=Tang;冯=Feng;于=Yu;董=Dong;萧=Xiao;程=Cheng;曹=Cao;袁=Yuan;邓=Deng;许=Xu;傅=Fu;"
    "沈=Shen;曾=Zeng;彭=Peng;吕=Lü;苏=Su;卢=Lu;蒋=Jiang;蔡=Cai;贾=Jia;丁=Ding;魏=Wei;薛=Xue;"
    "叶=Ye;阎=Yan;顾=Gu;江=Jiang;陆=Lu;秦=Qin"
)
_GIVEN = _bank(  # 小 first: it only starts a given name
    "小=xiao;伟=wei;芳=fang;娜=na;敏=min;静=jing;丽=li;强=qiang;磊=lei;军=jun;洋=yang;勇=yong;艳=yan;"
    "杰=jie;涛=tao;明=ming;超=chao;秀=xiu;霞=xia;平=ping;刚=gang;晨=chen;宇=yu;浩=hao;欣=xin;"
    "然=ran;子=zi;涵=han;思=si;雨=yu;轩=xuan;梓=zi;萱=xuan;博=bo;文=wen;佳=jia;怡=yi;嘉=jia;"
    "琪=qi;俊=jun;诗=shi;满=man;若=ruo;清=qing;婉=wan;一=yi;凡=fan;辰=chen;瑶=yao;"
    "安=an;星=xing;月=yue;知=zhi;意=yi"
)
_BRAND_1 = "星华风云天金龙凤光影晨明新盛鼎嘉博瑞锦美青蓝紫海山长东北中启元麦听远朗"
_BRAND_2 = "河辰月阳川禾悦宸宇石泽梦途火岚帆峰原木涛野歌岸桥舟鹿鸣兆翼"
_COMPANY_KINDS = tuple(
    f"{kind}有限公司"
    for kind in "影视文化 文化传媒 影业 网络科技 传媒 影视传媒 数字科技 文化科技".split()
)

# Title templates (weight, zh pattern, en pattern, slot banks); the English pattern uses the same
# slots, so every Chinese title has a matching English one.
_TITLE_TEMPLATES: tuple[tuple[float, str, str, tuple[_Bank, ...]], ...] = (
    (0.30, "{0}后{1}{2}{3}我", "After {0}, {1} {3} Me {2}", (
        _bank("闪婚=the Flash Marriage;离婚=the Divorce;退婚=the Broken Vow;重生=Rebirth;"
              "相亲=the Blind Date;契约婚姻=the Contract Marriage;假结婚=the Fake Wedding;"
              "认亲=the Reunion;替嫁=the Swapped Bride;分手=the Breakup;"
              "隐婚=the Secret Marriage;下山=Leaving the Mountain;出狱=Prison;觉醒=the Awakening"),
        _bank("霸总=the CEO;总裁=the President;首富=the Tycoon;战神=the War God;大佬=the Boss;"
              "前夫=My Ex;少帅=the Marshal;王爷=the Prince;影帝=the Star;老公=My Husband;"
              "竹马=My Old Friend;世子=the Heir;将军=the General;神医=the Healer"),
        _bank("天天=Daily;夜夜=Nightly;日日=Day by Day;又来=Again;偷偷=in Secret;"
              "拼命=Desperately;跪求=on His Knees;处处=Everywhere"),
        _bank("宠=Spoils;追=Chases;哄=Coaxes;护=Guards;缠=Clings to;撩=Teases;找=Seeks;"
              "等=Waits for"),
    )),
    (0.12, "{0}之我在{1}当{2}", "{0}: {2} in {1}", (
        _bank("重生=Reborn;穿越=Transported;逆袭=Rising"),
        _bank("西安=Xi'an;长安=Chang'an;东北=the Northeast;江南=Jiangnan;京城=the Capital;"
              "八零年代=the 1980s;县城=a County Town;大唐=the Tang;北宋=the Song;深圳=Shenzhen;"
              "上海=Shanghai;杭州=Hangzhou;南京=Nanjing;郑州=Zhengzhou;洛阳=Luoyang;成都=Chengdu;"
              "七零年代=the 1970s;九零年代=the 1990s;边关=the Frontier;山村=a Mountain Village;"
              "海岛=an Island;古代=Ancient Times;末世=the Apocalypse;豪门=a Rich Family"),
        _bank("首富=Richest Man;县令=Magistrate;厂长=Factory Chief;神医=Miracle Doctor;"
              "大厨=Head Chef;村长=Village Head;首辅=Chancellor;将军=General;大佬=Big Boss;"
              "富婆=Rich Lady;捕快=Constable;掌柜=Shopkeeper;校长=Headmaster;赘婿=Son-in-Law;"
              "女帝=Empress;县长=County Chief"),
    )),
    (0.20, "{0}的{1}{2}", "{0} {1} {2}", (
        _bank("总裁=The CEO's;战神=The War God's;首富=The Tycoon's;将军=The General's;"
              "神医=The Healer's;王爷=The Prince's;少帅=The Marshal's;影帝=The Star's;"
              "太子=The Crown Prince's;教授=The Professor's;掌门=The Sect Leader's;"
              "侯爷=The Marquis's"),
        _bank("替身=Stand-in;隐婚=Secret;落跑=Runaway;千亿=Billionaire;天价=Priceless;"
              "契约=Contract;失忆=Amnesiac;团宠=Beloved;神秘=Mysterious;冷艳=Icy;娇俏=Sweet;"
              "倔强=Stubborn"),
        _bank("新娘=Bride;娇妻=Wife;萌宝=Baby;千金=Heiress;前妻=Ex-Wife;女儿=Daughter;"
              "保镖=Bodyguard;秘书=Secretary;医女=Physician;厨娘=Cook;郡主=Princess;"
              "师妹=Junior Sister"),
    )),
    (0.05, "我的{0}个{1}{2}", "My {0} {1} {2}", (
        _bank("三=Three;五=Five;六=Six;七=Seven;九=Nine;十=Ten"),
        _bank("绝色=Gorgeous;大佬=Mighty;神秘=Mysterious;无敌=Invincible;倾城=Stunning;"
              "护短=Protective"),
        _bank("姐姐=Sisters;哥哥=Brothers;师父=Masters;徒弟=Disciples;舅舅=Uncles;"
              "女婿=Sons-in-Law;师姐=Senior Sisters;爹地=Daddies"),
    )),
    (0.05, "{0}{1}", "{1} {0}", (
        _bank("长安=Chang'an;古城=the Old Town;江湖=the Jianghu;山村=the Village;"
              "大宋=the Song Dynasty;十里洋场=the Bund;雪山=the Snow Peak;边城=the Border Town;"
              "海岛=the Island;小镇=the Small Town;金陵=Jinling;洛阳=Luoyang;"
              "西域=the Western Regions;京华=the Capital;渡口=the Ferry;老街=the Old Street"),
        _bank("诡事录=Strange Tales of;疑案=The Mystery of;往事=Memories of;风云=Storm over;"
              "奇缘=Romance in;除妖记=Demon Hunters of;传奇=Legend of;烟火=Everyday Life in;"
              "寻宝记=Treasure Hunt in;夜话=Night Talks in;食肆=The Diner of;"
              "探案录=Detectives of"),
    )),
    (0.28, "{0}{1}的{2}", "{0} {1}'s {2}", (
        _SURNAMES,
        tuple((a + b, (pa + pb).capitalize()) for a, pa in _GIVEN[:30] for b, pb in _GIVEN[30:]),
        _bank("逆袭人生=Comeback;开挂人生=Unstoppable Life;幸福生活=Happy Life;"
              "复仇计划=Revenge Plan;重生日记=Rebirth Diary;翻身之路=Way Up;"
              "锦绣前程=Bright Future;甜蜜婚约=Sweet Engagement;小食堂=Canteen;新生活=New Life"),
    )),
)  # fmt: skip
_CN_ORDINALS = "二三四五六七八九十"

_REVIEW_COMMENTS = (
    ("情节拼凑，逻辑漏洞较多。", "制作粗糙，表演生硬。", "价值导向有待商榷，建议修改。",
     "题材同质化严重，缺乏新意。"),
    ("故事完整，但部分情节略显套路。", "制作中规中矩，节奏前松后紧。",
     "人物动机交代不够充分，整体尚可。", "有一定创新，细节仍需打磨。"),
    ("节奏紧凑，反转自然，制作精良。", "价值导向积极，人物塑造立体。",
     "题材新颖，表演自然，值得推荐。", "镜头语言讲究，情感表达真挚。"),
)  # fmt: skip
# Small dimension-specific offsets of expert scores (values, artistry, production, innovation).
_DIMENSIONS = (("values", 0.3), ("artistry", 0.0), ("production", -0.2), ("innovation", -0.5))


# --- public entry point -----------------------------------------------------------------------


def simulate(config: SimulationConfig) -> DemoData:
    """Simulate a whole demo catalogue, deterministic for `config.seed`."""
    if config.works < 1 or config.days < 1 or config.experts < 1:
        raise ValueError("works, days and experts must be positive")
    rng = np.random.default_rng(config.seed)
    works = _simulate_works(config, rng)
    series = _simulate_series(config, works, rng)
    metrics = _simulate_metrics(config, works, series, rng)
    ratings = _simulate_ratings(works, series, metrics.series_viewers, rng)
    reviews, experts = _simulate_reviews(config, works, rng)
    truth_works = pl.DataFrame(
        {
            "work_id": works["work_id"],
            "latent_quality": works["q"],
            "fraud": metrics.fraud_works,
            "popularity": works["log_life"],
        }
    )
    return DemoData(
        works=_works_frame(works),
        metrics=metrics.frame,
        ratings=ratings,
        reviews=reviews,
        truth_works=truth_works,
        truth_fraud=metrics.fraud,
        truth_experts=experts,
    )


# --- works ------------------------------------------------------------------------------------


def _choice(rng: np.random.Generator, weights: Any, size: int) -> I64:
    """Draw `size` indices with probabilities proportional to `weights`."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(p.size, size=size, p=p / p.sum()).astype(np.int64)


def _zipf_weights(count: int, alpha: float) -> F64:
    return np.asarray(1.0 / np.arange(2, count + 2, dtype=np.float64) ** alpha)


def _distinct_names(rng: np.random.Generator, count: int, capacity: int) -> I64:
    """`count` distinct indices below `capacity` (repeats only once the space is used up)."""
    if count <= capacity:
        return rng.choice(capacity, size=count, replace=False).astype(np.int64)
    return rng.integers(0, capacity, size=count).astype(np.int64)


def _person_pool(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct Chinese names: a surname and one or two given-name characters."""
    given = len(_GIVEN)
    per_surname = given + given * (given - 1)
    names = []
    for code in _distinct_names(rng, count, len(_SURNAMES) * per_surname).tolist():
        surname, rest = divmod(code, per_surname)
        if rest < given:
            names.append(_SURNAMES[surname][0] + _GIVEN[rest][0])
        else:
            first, second = divmod(rest - given, given - 1)
            names.append(_SURNAMES[surname][0] + _GIVEN[first][0] + _GIVEN[second + 1][0])
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
    caps = np.array([np.prod([len(b) for b in t[3]]) for t in _TITLE_TEMPLATES], dtype=np.float64)
    weights = np.array([t[0] for t in _TITLE_TEMPLATES])
    weights = np.minimum(weights / weights.sum(), caps / (4 * n))
    weights[np.argmax(caps)] += 1 - weights.sum()
    template = _choice(rng, weights, n)
    zh: list[str] = [""] * n
    en: list[str] = [""] * n
    for t, (_, zh_pattern, en_pattern, banks) in enumerate(_TITLE_TEMPLATES):
        rows = np.flatnonzero(template == t)
        sizes = [len(b) for b in banks]
        codes = _distinct_names(rng, rows.size, int(np.prod(sizes)))
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
            zh[i] = f"{title}之{_CN_ORDINALS[k - 2]}" if k <= 10 else f"{title}{k}"
            en[i] = f"{en[i]} {k}"
    return zh, en


def _simulate_works(config: SimulationConfig, rng: np.random.Generator) -> dict[str, Any]:
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
    w["release"] = _choice(rng, ramp * wobble[np.arange(span) // 30], n) - 60  # vs window start
    w["release_abs"] = (config.start_date - _EPOCH).days + w["release"]  # days since 1970

    platform = _choice(rng, [p[1] for p in _PLATFORMS], n)
    w["platform"] = platform
    overseas = platform >= _OVERSEAS_FROM

    # Companies: ~N/15 producers, heavy-tailed; a few distributors, top 3 with ~60% of works
    # [facts: Market / supply]. One credit code per company, region of its city.
    n_prod = max(3, round(n / 15))
    n_dist = max(5, n_prod // 20)
    capacity = len(_BRAND_1) * len(_BRAND_2) * len(_COMPANY_KINDS)
    name_codes = _distinct_names(rng, n_prod + n_dist, capacity)
    company_city = _choice(rng, [c[1] for c in _CITIES], n_prod + n_dist)
    company_city[:3] = [0, 1, 2]  # the biggest producers sit in Xi'an, Beijing, Hangzhou
    bodies = _distinct_names(rng, n_prod + n_dist, 10**8)
    names, codes = [], []
    for i, (code, city, body) in enumerate(
        zip(name_codes.tolist(), company_city.tolist(), bodies.tolist(), strict=True)
    ):
        brand, kind = divmod(code, len(_COMPANY_KINDS))
        b1, b2 = divmod(brand, len(_BRAND_2))
        suffix = "" if i < capacity else str(i)
        names.append(
            f"{_CITIES[city][0]}{_BRAND_1[b1]}{_BRAND_2[b2]}{suffix}{_COMPANY_KINDS[kind]}"
        )
        codes.append(_credit_code(_CITIES[city][2], body))
    producer = _choice(rng, _zipf_weights(n_prod, 1.1), n)
    w["producer_idx"] = producer
    w["company_names"], w["company_codes"], w["company_city"] = names, codes, company_city
    rest = _zipf_weights(n_dist - 3, 1.0)
    dist_weights = np.concatenate([[0.28, 0.18, 0.14], 0.4 * rest / rest.sum()])
    w["distributor"] = np.where(rng.random(n) < 0.7, n_prod + _choice(rng, dist_weights, n), -1)
    w["publisher"] = np.where(rng.random(n) < 0.6, _choice(rng, _zipf_weights(n_prod, 1.3), n), -1)

    # Genres: 1-3 distinct keys by weighted sampling without replacement (Gumbel top-k).
    g_weights = np.array([_GENRE_WEIGHTS[g.key][0] for g in GENRES], dtype=np.float64)
    g_keys = np.log(g_weights) + rng.gumbel(size=(n, len(GENRES)))
    g_order = np.argsort(-g_keys, axis=1)[:, :3]
    w["genre_count"] = _choice(rng, [0.35, 0.45, 0.20], n) + 1
    w["genre_idx"] = g_order

    # Episodes: median 70, p10 41, p90 94, most common 80/60/100/70/50 [facts: Distributions].
    common = np.array([80, 60, 100, 70, 50])[_choice(rng, [0.3, 0.22, 0.16, 0.18, 0.14], n)]
    spread = np.clip(np.rint(rng.normal(68, 20, n)), 20, 194)
    long_tail = np.rint(rng.uniform(100, 194, n))
    kind = rng.random(n)
    w["episodes"] = np.where(kind < 0.5, common, np.where(kind < 0.97, spread, long_tail))
    w["episodes"] = w["episodes"].astype(np.int64)
    w["episode_minutes"] = np.round(1 + 2 * rng.beta(2, 3, n), 1)  # 1-3 min, mean 1.8

    # Model: IAA leans to free apps and grows over time; ~45% IAA, 40% IAP, 15% hybrid works
    # [facts: Market / free vs paid].
    p_iaa = np.array([p[3] for p in _PLATFORMS])[platform]
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
    genre_off = np.array([_GENRE_WEIGHTS[g.key][1] for g in GENRES])[g_order[:, 0]]
    w["log_life"] = (
        np.where(strong, 16.83, 13.80)
        + np.where(strong, 1.80, 0.80) * _SD_SCALE * z
        + np.array([p[2] for p in _PLATFORMS])[platform]
        + genre_off
        + 0.15 * np.log(size / size.mean())
        + np.array([0.3, 0.1, 0.0])[w["tier"]]
    )

    people = _person_pool(rng, max(60, n // 3))
    w["people"] = people
    w["director"] = _choice(rng, _zipf_weights(len(people) // 4, 0.8), n)
    w["screenwriter"] = len(people) // 4 + _choice(rng, _zipf_weights(len(people) // 4, 0.8), n)
    actors = _choice(rng, _zipf_weights(len(people) // 2, 0.9), 2 * n).reshape(n, 2)
    actors[:, 1] = np.where(actors[:, 1] == actors[:, 0], actors[:, 1] + 1, actors[:, 1])
    w["actors"] = len(people) // 2 + actors
    w["overseas"] = overseas
    w["filing_draw"] = rng.random(n)
    return w


def _works_frame(w: dict[str, Any]) -> pl.DataFrame:
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
        province = _CITIES[int(company_city[producer[i]])][3]
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
        "platform": [_PLATFORMS[p][0] for p in w["platform"].tolist()],
        "producer": company(producer),
        "city": [_CITIES[int(company_city[p])][0] for p in producer.tolist()],
        "model": [_MODEL_KEYS[m] for m in w["model"].tolist()],
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


# --- daily series -------------------------------------------------------------------------------


def _simulate_series(
    config: SimulationConfig, w: dict[str, Any], rng: np.random.Generator
) -> dict[str, Any]:
    """One series per (work, platform): primary for all, a second platform for ~15% of works."""
    n = w["n"]
    # A second platform, 0-20 days later, of the same market (domestic or overseas); launches
    # after the window are dropped.
    second = np.flatnonzero(rng.random(n) < 0.15)
    second_release = w["release"][second] + rng.integers(0, 21, second.size)
    inside = second_release < config.days
    second, second_release = second[inside], second_release[inside]
    primary = w["platform"][second]
    platform_ids = np.arange(len(_PLATFORMS))
    same_market = (platform_ids[None, :] >= _OVERSEAS_FROM) == (primary[:, None] >= _OVERSEAS_FROM)
    allowed = same_market & (platform_ids[None, :] != primary[:, None])
    keys = np.log([p[1] for p in _PLATFORMS]) + rng.gumbel(size=(second.size, len(_PLATFORMS)))
    other = np.argmax(np.where(allowed, keys, -np.inf), axis=1)
    s_work = np.concatenate([np.arange(n), second])
    count = s_work.size
    s = {
        "work": s_work,
        "platform": np.concatenate([w["platform"], other]),
        "release": np.concatenate([w["release"], second_release]),  # days from window start
        "log_life": np.concatenate(
            [w["log_life"], w["log_life"][second] + np.log(rng.uniform(0.05, 0.4, second.size))]
        ),
        # Rise-and-decay: peak 3-9 days after launch, decay e-fold 3-10 days (2-6 weeks to 1%),
        # plus a small slow tail [facts: Distributions / age: most reads in the first weeks].
        "peak": rng.uniform(3.0, 9.0, count),
        "theta": rng.uniform(3.0, 10.0, count),
        "tail": np.exp(rng.uniform(np.log(0.004), np.log(0.03), count)),
        "tau": rng.uniform(30.0, 120.0, count),
        "ppv": rng.uniform(1.3, 3.0, count),  # plays per viewer
    }
    # Normalise each curve to a unit lifetime sum: gamma part on a grid, tail in closed form.
    grid = np.arange(240, dtype=np.float64) + 0.5
    total = np.zeros(count)
    for lo in range(0, count, 4096):
        sl = slice(lo, lo + 4096)
        total[sl] = _gamma_part(grid[None, :], s["peak"][sl, None], s["theta"][sl, None]).sum(1)
    total += s["tail"] * np.exp(-0.5 / s["tau"]) / (1 - np.exp(-1 / s["tau"]))
    s["norm"] = total
    return s


def _gamma_part(t: F64, peak: F64, theta: F64) -> F64:
    """Gamma-shaped curve with value 1 at `peak`: (t/peak)^(peak/theta) * exp(-(t-peak)/theta)."""
    return np.asarray(np.exp((peak / theta) * np.log(t / peak) - (t - peak) / theta))


@dataclass(frozen=True)
class _Metrics:
    """What the daily simulation hands on: the metrics table and the fraud it planted."""

    frame: pl.DataFrame
    fraud: pl.DataFrame
    fraud_works: BoolA
    series_viewers: F64  # viewers in the window per series


def _simulate_metrics(
    config: SimulationConfig, w: dict[str, Any], s: dict[str, Any], rng: np.random.Generator
) -> _Metrics:
    n_series = s["work"].size
    first_t = np.maximum(0, -s["release"])
    last_t = config.days - 1 - s["release"]
    lengths = last_t - first_t + 1
    idx = np.repeat(np.arange(n_series), lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    t = (np.arange(idx.size) - offsets[idx] + first_t[idx]).astype(np.float64)
    th = t + 0.5
    curve = _gamma_part(th, s["peak"][idx], s["theta"][idx]) + s["tail"][idx] * np.exp(
        -th / s["tau"][idx]
    )
    # Drop the decayed tail (< 0.1% of peak) to keep the table small.
    keep = (th <= s["peak"][idx]) | (curve >= 1e-3)
    idx, t, curve = idx[keep], t[keep], curve[keep]
    rows = idx.size
    day = s["release"][idx] + t.astype(np.int64)  # days from window start
    weekday = (config.start_date.weekday() + day) % 7
    work = s["work"][idx]

    life = np.exp(s["log_life"])[idx]
    mean = life * curve / s["norm"][idx] * np.where(weekday >= 5, 1.1, 1.0)
    plays = np.rint(mean * rng.lognormal(0, 0.08, rows))
    viewers = np.minimum(plays, np.rint(plays / s["ppv"][idx] * rng.lognormal(0, 0.04, rows)))
    q = w["q"][work]
    # Completion 0.15-0.6 rising with quality; watch minutes per play cover a
    # completion-related share of the drama [facts: Works / format].
    completion_w = np.clip(0.375 + 0.09 * w["q"] + rng.normal(0, 0.04, w["n"]), 0.15, 0.6)
    completion = np.clip(completion_w[work] + rng.normal(0, 0.015, rows), 0.1, 0.7)
    eps_per_play = w["episodes"][work] * (0.05 + 0.5 * completion)
    watch = plays * w["episode_minutes"][work] * eps_per_play
    # Favourites per play: median 0.011, p10 0.0055, p90 0.028 [facts: Distributions /
    # favourites per read]; likes, comments, shares at q-dependent multiples.
    # A quadratic term gives the right skew of the catalogue (p90/p50 2.5 against p50/p10 2).
    z = 0.5 * w["q"] + np.sqrt(0.75) * rng.normal(size=w["n"])
    fav_rate = 0.011 * np.exp(0.635 * z + 0.0733 * z**2)
    favorites = rng.poisson(plays * fav_rate[work])
    likes = rng.poisson(plays * fav_rate[work] * 3.0 * np.exp(0.1 * q))
    comments = rng.poisson(plays * fav_rate[work] * 0.25)
    shares = rng.poisson(plays * fav_rate[work] * 0.2 * np.exp(0.2 * q))

    # Revenue. IAP: a few daily payers among viewers buy part of the paid episodes (a whole
    # drama costs tens of yuan to ~100) [facts: Works / format]. IAA: ~0.01-0.03 yuan of ads a
    # play. Hybrid does half of each. The payer rate is set so that ads earn ~55-60% of all
    # revenue [facts: Market / free vs paid: 50% (2024) to 66% (2025)].
    model = w["model"][work]
    conv = 0.001 * np.exp(0.3 * w["q"] + 0.3 * rng.normal(size=w["n"]))
    bought = (w["episodes"] - np.maximum(w["paywall"], 0)) * rng.uniform(0.3, 0.8, w["n"])
    per_payer = np.minimum(w["price"] * bought, 100.0)
    recharge = viewers * conv[work] * per_payer[work] * np.where(model == 2, 0.5, 1.0)
    recharge *= rng.lognormal(0, 0.15, rows)
    ecpm = rng.uniform(0.01, 0.03, w["n"])[work] * np.where(model == 2, 0.5, 1.0)
    ad_revenue = plays * ecpm * rng.lognormal(0, 0.1, rows)
    recharge = np.where(model == 1, np.nan, recharge)
    ad_revenue = np.where(model == 0, np.nan, ad_revenue)
    # Ad spend to buy traffic, known for ~40% of works: 60-90% of revenue in the launch weeks,
    # fading after [facts: Market / ad spend].
    has_spend = (rng.random(w["n"]) < 0.4)[work]
    ratio = rng.uniform(0.6, 0.9, n_series)[idx] * np.exp(-np.maximum(t - 14, 0) / 10)
    revenue = np.nan_to_num(recharge) + np.nan_to_num(ad_revenue)
    spend = np.where(has_spend, revenue * ratio * rng.lognormal(0, 0.15, rows), np.nan)

    # Fake traffic: bursts of 2-7 days, plays and/or likes x3-20, nothing else follows
    # [facts: Works / fake traffic].
    play_factor = np.ones(rows)
    like_factor = np.ones(rows)
    starts = np.searchsorted(idx, np.arange(n_series))
    ends = np.searchsorted(idx, np.arange(n_series), side="right")
    n_fraud = round(config.fraud_share * w["n"])
    eligible = np.flatnonzero(ends[: w["n"]] - starts[: w["n"]] >= 10)
    # Works whose organic numbers disappoint are the ones that buy traffic to climb the charts
    # [facts: Works / fake traffic]: the odds fall with latent quality.
    odds = np.exp(-_FRAUD_QUALITY_TILT * w["q"][eligible])
    chosen = rng.choice(
        eligible, size=min(n_fraud, eligible.size), replace=False, p=odds / odds.sum()
    )
    chosen.sort()
    fraud_works = np.zeros(w["n"], dtype=bool)
    fraud_works[chosen] = True
    bursts: dict[str, list[Any]] = {
        k: [] for k in ("work", "platform", "start", "end", "kind", "factor")
    }
    kinds = ("plays", "likes", "plays_and_likes")
    for series in chosen.tolist():
        lo, hi = int(starts[series]), int(ends[series])
        span = min(hi - lo, 45)
        taken = np.zeros(span, dtype=bool)
        for _ in range(int(rng.integers(1, 4))):
            length = int(rng.integers(2, 8))
            begin = int(rng.integers(0, max(span - length, 0) + 1))
            stop = min(begin + length, span)
            if taken[max(begin - 1, 0) : stop + 1].any():
                continue
            taken[begin:stop] = True
            kind = int(_choice(rng, [0.5, 0.2, 0.3], 1)[0])
            factor = float(np.round(rng.uniform(3, 20), 2))
            if kind != 1:
                play_factor[lo + begin : lo + stop] = factor
            if kind != 0:
                like_factor[lo + begin : lo + stop] = factor
            bursts["work"].append(w["work_id"][series])
            bursts["platform"].append(_PLATFORMS[int(s["platform"][series])][0])
            bursts["start"].append(int(day[lo + begin]))
            bursts["end"].append(int(day[lo + stop - 1]))
            bursts["kind"].append(kinds[kind])
            bursts["factor"].append(factor)
    reported = np.rint(plays * play_factor)
    completion = completion * np.divide(plays, reported, out=np.ones(rows), where=reported > 0)
    likes = np.rint(likes * like_factor)

    # A few blanks: unknown watch minutes or completion on ~1% of days each.
    watch = np.where(rng.random(rows) < 0.01, np.nan, np.round(watch, 1))
    completion = np.where(rng.random(rows) < 0.01, np.nan, np.round(completion, 4))
    start_abs = (config.start_date - _EPOCH).days
    work_ids = pl.Series("work_id", w["work_id"], dtype=pl.Utf8)
    platforms = pl.Series("platform", [p[0] for p in _PLATFORMS], dtype=pl.Utf8)

    def money(values: F64) -> pl.Series:
        return pl.Series(np.round(values, 2), nan_to_null=True)

    metrics = pl.DataFrame(
        {
            "work_id": work_ids.gather(work),
            "platform": platforms.gather(s["platform"][idx]),
            "date": pl.Series((day + start_abs).astype(np.int32)).cast(pl.Date),
            "plays": reported.astype(np.int64),
            "viewers": viewers.astype(np.int64),
            "watch_minutes": pl.Series(watch, nan_to_null=True),
            "completion_rate": pl.Series(completion, nan_to_null=True),
            "likes": likes.astype(np.int64),
            "comments": comments.astype(np.int64),
            "shares": shares.astype(np.int64),
            "favorites": favorites.astype(np.int64),
            "recharge_yuan": money(recharge),
            "ad_revenue_yuan": money(ad_revenue),
            "ad_spend_yuan": money(spend),
        }
    ).sort("work_id", "platform", "date")
    fraud = pl.DataFrame(
        {
            "work_id": pl.Series(bursts["work"], dtype=pl.Utf8),
            "platform": pl.Series(bursts["platform"], dtype=pl.Utf8),
            "start": pl.Series(np.asarray(bursts["start"], dtype=np.int32) + start_abs).cast(
                pl.Date
            ),
            "end": pl.Series(np.asarray(bursts["end"], dtype=np.int32) + start_abs).cast(pl.Date),
            "kind": pl.Series(bursts["kind"], dtype=pl.Utf8),
            "factor": pl.Series(bursts["factor"], dtype=pl.Float64),
        }
    )
    series_viewers = np.bincount(idx, weights=viewers, minlength=n_series).astype(np.float64)
    return _Metrics(metrics, fraud, fraud_works, series_viewers)


# --- ratings and reviews ------------------------------------------------------------------------


def _simulate_ratings(
    w: dict[str, Any], s: dict[str, Any], viewers: F64, rng: np.random.Generator
) -> pl.DataFrame:
    """One rating per (work, platform) for ~90% of series seen in the window."""
    rated = np.flatnonzero((viewers > 0) & (rng.random(viewers.size) < 0.9))
    work = s["work"][rated]
    score = np.round(np.clip(6.8 + 1.1 * w["q"][work] + rng.normal(0, 0.6, rated.size), 1, 10), 1)
    votes = np.maximum(1, np.rint(0.2 * viewers[rated] ** 0.7 * rng.lognormal(0, 0.5, rated.size)))
    return pl.DataFrame(
        {
            "work_id": pl.Series(w["work_id"], dtype=pl.Utf8).gather(work),
            "platform": [_PLATFORMS[p][0] for p in s["platform"][rated].tolist()],
            "score": score,
            "votes": votes.astype(np.int64),
        }
    ).sort("work_id", "platform")


def _simulate_reviews(
    config: SimulationConfig, w: dict[str, Any], rng: np.random.Generator
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Expert panels of 3-7 for a popularity-biased share of works."""
    n, e = w["n"], config.experts
    width = max(3, len(str(e)))
    expert_ids = [f"E{i:0{width}d}" for i in range(1, e + 1)]
    leniency = rng.normal(0, 0.8, e)
    noise_sd = rng.uniform(0.6, 1.5, e)
    n_reviewed = round(config.reviewed_share * n)
    # Weighted sampling without replacement, weight ~ sqrt(lifetime plays).
    keys = 0.5 * w["log_life"] + rng.gumbel(size=n)
    reviewed = np.sort(np.argsort(-keys)[:n_reviewed])
    panel = rng.integers(3, 8, n_reviewed).clip(max=e)
    order = np.argsort(rng.random((n_reviewed, e)), axis=1)
    take = np.arange(e)[None, :] < panel[:, None]
    work = np.repeat(reviewed, panel)
    expert = order[take]
    rows = work.size
    end_abs = (config.end_date - _EPOCH).days
    lo = np.maximum(end_abs - 29, w["release_abs"][work])
    reviewed_on = lo + np.floor(rng.random(rows) * (end_abs - lo + 1)).astype(np.int64)
    base = 6 + 1.2 * w["q"][work] + leniency[expert]
    data: dict[str, Any] = {
        "work_id": pl.Series(w["work_id"], dtype=pl.Utf8).gather(work),
        "expert_id": pl.Series(expert_ids, dtype=pl.Utf8).gather(expert),
    }
    total = np.zeros(rows)
    for name, offset in _DIMENSIONS:
        score = np.rint(np.clip(base + offset + rng.normal(0, 1, rows) * noise_sd[expert], 1, 10))
        data[name] = score.astype(np.int64)
        total += score
    band = np.digitize(total / len(_DIMENSIONS), [5.0, 7.5])
    pick = rng.integers(0, 4, rows)
    data["comment"] = [
        _REVIEW_COMMENTS[b][p] for b, p in zip(band.tolist(), pick.tolist(), strict=True)
    ]
    data["reviewed_on"] = pl.Series(reviewed_on.astype(np.int32)).cast(pl.Date)
    reviews = pl.DataFrame(data).select(SPECS["reviews"].all).sort("work_id", "expert_id")
    experts = pl.DataFrame({"expert_id": expert_ids, "leniency": leniency, "noise_sd": noise_sd})
    return reviews, experts
