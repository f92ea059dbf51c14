"""Controlled vocabularies of the catalogue: genres, monetisation models, tiers, known places."""

from __future__ import annotations

from dataclasses import dataclass, field

from microdrama.catalog.schemas import Label

# Shown with every figure, page and export that rests on simulated data.
SIMULATED_NOTICE = "模拟数据 · Simulated data"


@dataclass(frozen=True)
class Term:
    """One entry of a controlled vocabulary, with its Chinese and English labels."""

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = field(default=())

    def spellings(self) -> tuple[str, ...]:
        """Every spelling that names this term in an import file."""
        return (self.key, self.zh, self.en, *self.aliases)


GENRES: tuple[Term, ...] = (
    Term("urban", "都市", "Urban", ("都市情感", "现代都市")),
    Term("sweet_romance", "甜宠", "Sweet romance", ("甜宠恋爱", "恋爱", "romance", "言情")),
    Term("revenge", "复仇", "Revenge", ("虐恋复仇",)),
    Term("comeback", "逆袭", "Comeback", ("打脸逆袭", "爽剧")),
    Term("rebirth", "重生", "Rebirth"),
    Term("time_travel", "穿越", "Time travel", ("穿书",)),
    Term("war_god", "战神", "War god", ("赘婿", "兵王")),
    Term("ceo", "霸总", "CEO romance", ("总裁", "霸道总裁")),
    Term("family", "家庭伦理", "Family drama", ("家庭", "伦理", "婆媳")),
    Term("cute_baby", "萌宝", "Cute baby"),
    Term("costume", "古装", "Costume drama", ("古风", "宫斗")),
    Term("fantasy", "玄幻", "Fantasy", ("仙侠", "奇幻", "修仙")),
    Term("suspense", "悬疑", "Suspense", ("推理", "刑侦", "mystery")),
    Term("comedy", "喜剧", "Comedy", ("搞笑",)),
    Term("youth", "青春", "Youth and campus", ("校园", "campus")),
    Term("rural", "乡村", "Rural", ("农村", "乡村振兴")),
)

MODELS: tuple[Term, ...] = (
    Term("IAP", "付费", "In-app purchase", ("充值", "付费充值", "iap", "paid")),
    Term("IAA", "免费", "In-app advertising", ("广告", "免费看", "iaa", "free")),
    Term("hybrid", "混合", "Hybrid", ("混合变现", "iaap", "HYBRID", "Hybrid")),
)

INVESTMENT_TIERS: tuple[Term, ...] = (
    Term("key", "重点", "Key", ("重点微短剧", "重点剧")),
    Term("ordinary", "普通", "Ordinary", ("普通微短剧",)),
    Term("other", "其他", "Other", ("其它", "其他微短剧")),
)

PLATFORM_KINDS: tuple[Term, ...] = (
    Term("app", "应用", "App"),
    Term("mini_program", "小程序", "Mini-program", ("mini-program",)),
    Term("overseas_app", "海外应用", "Overseas app", ("overseas",)),
)

# Platforms the catalogue knows by kind; others are created on first sight with no kind.
KNOWN_PLATFORMS: dict[str, tuple[str, str]] = {
    "红果短剧": ("Hongguo", "app"),
    "抖音": ("Douyin", "app"),
    "快手": ("Kuaishou", "app"),
    "河马剧场": ("Hema Theatre", "app"),
    "番茄短剧": ("Fanqie", "app"),
    "微信小程序": ("WeChat mini-program", "mini_program"),
    "抖音小程序": ("Douyin mini-program", "mini_program"),
    "ReelShort": ("ReelShort", "overseas_app"),
    "DramaBox": ("DramaBox", "overseas_app"),
    "ShortMax": ("ShortMax", "overseas_app"),
}

# Production hubs with their English names; other cities are created on first sight.
KNOWN_CITIES: dict[str, str] = {
    "西安": "Xi'an",
    "北京": "Beijing",
    "杭州": "Hangzhou",
    "南京": "Nanjing",
    "郑州": "Zhengzhou",
    "上海": "Shanghai",
    "深圳": "Shenzhen",
    "广州": "Guangzhou",
    "成都": "Chengdu",
    "长沙": "Changsha",
    "武汉": "Wuhan",
    "金华": "Jinhua",
}

COMPANY_ROLES: tuple[Term, ...] = (
    Term("producer", "出品方", "Producer", ("出品", "制作方")),
    Term("publisher", "发行方", "Publisher", ("发行",)),
    Term("distributor", "投放方", "Distributor", ("分销", "投流")),
)

CREDIT_ROLES: tuple[Term, ...] = (
    Term("director", "导演", "Director"),
    Term("screenwriter", "编剧", "Screenwriter"),
    Term("lead_actor", "主演", "Lead actor"),
)


def lookup_table(terms: tuple[Term, ...]) -> dict[str, str]:
    """Map every spelling (case-folded, trimmed) of the terms to their key."""
    table: dict[str, str] = {}
    for term in terms:
        for spelling in term.spellings():
            table[spelling.strip().casefold()] = term.key
    return table


def term_by_key(terms: tuple[Term, ...], key: str) -> Term:
    """Return the term with this key; KeyError when there is none."""
    for term in terms:
        if term.key == key:
            return term
    raise KeyError(key)


def genre_label(key: str) -> Label:
    """The labels of a genre key (unknown keys label themselves)."""
    try:
        term = term_by_key(GENRES, key)
    except KeyError:
        return Label(key=key, zh=key, en=key)
    return Label(key=term.key, zh=term.zh, en=term.en)
