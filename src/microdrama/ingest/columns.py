"""Canonical columns of each import kind and the header aliases (Chinese and English) accepted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from microdrama.lake import metrics as lake

ImportKind = Literal["works", "metrics", "ratings", "reviews"]
IMPORT_KINDS: tuple[ImportKind, ...] = ("works", "metrics", "ratings", "reviews")


@dataclass(frozen=True)
class ColumnSpec:
    """The columns an import kind reads: required, optional, and the natural key."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        """Every canonical column, required first."""
        return self.required + self.optional


SPECS: dict[ImportKind, ColumnSpec] = {
    "works": ColumnSpec(
        required=("work_id", "title"),
        optional=(
            "title_en",
            "genres",
            "episodes",
            "episode_minutes",
            "release_date",
            "platform",
            "producer",
            "city",
            "model",
            "paywall_episode",
            "price_per_episode",
            "filing_no",
            "investment_tier",
            "publisher",
            "distributor",
            "producer_credit_code",
            "director",
            "screenwriter",
            "lead_actors",
            "languages",
        ),
        key=("work_id",),
    ),
    "metrics": ColumnSpec(
        required=lake.KEY,
        optional=lake.SOURCE_COLUMNS[len(lake.KEY) :],
        key=lake.KEY,
    ),
    "ratings": ColumnSpec(
        required=("work_id", "platform", "score", "votes"), optional=(), key=("work_id", "platform")
    ),
    "reviews": ColumnSpec(
        required=(
            "work_id",
            "expert_id",
            "values",
            "artistry",
            "production",
            "innovation",
            "reviewed_on",
        ),
        optional=("comment",),
        key=("work_id", "expert_id", "reviewed_on"),
    ),
}

# Header spellings seen in platform and vendor exports, mapped to canonical names.
ALIASES: dict[str, str] = {
    "作品id": "work_id",
    "作品编号": "work_id",
    "剧集id": "work_id",
    "短剧id": "work_id",
    "id": "work_id",
    "剧名": "title",
    "作品名称": "title",
    "短剧名称": "title",
    "片名": "title",
    "标题": "title",
    "英文名": "title_en",
    "英文剧名": "title_en",
    "题材": "genres",
    "类型": "genres",
    "题材类型": "genres",
    "genre": "genres",
    "集数": "episodes",
    "总集数": "episodes",
    "单集时长": "episode_minutes",
    "单集时长分钟": "episode_minutes",
    "上线日期": "release_date",
    "上线时间": "release_date",
    "首播日期": "release_date",
    "发布日期": "release_date",
    "平台": "platform",
    "播出平台": "platform",
    "上线平台": "platform",
    "出品方": "producer",
    "出品公司": "producer",
    "制作方": "producer",
    "承制方": "producer",
    "城市": "city",
    "制作城市": "city",
    "出品城市": "city",
    "变现模式": "model",
    "商业模式": "model",
    "付费模式": "model",
    "付费卡点": "paywall_episode",
    "付费集": "paywall_episode",
    "卡点集数": "paywall_episode",
    "单集价格": "price_per_episode",
    "单集价格元": "price_per_episode",
    "备案号": "filing_no",
    "许可证号": "filing_no",
    "上线备案号": "filing_no",
    "投资规模": "investment_tier",
    "投资类别": "investment_tier",
    "备案类别": "investment_tier",
    "发行方": "publisher",
    "投放方": "distributor",
    "统一社会信用代码": "producer_credit_code",
    "出品方信用代码": "producer_credit_code",
    "导演": "director",
    "编剧": "screenwriter",
    "主演": "lead_actors",
    "语言": "languages",
    "日期": "date",
    "统计日期": "date",
    "数据日期": "date",
    "播放量": "plays",
    "播放次数": "plays",
    "播放数": "plays",
    "观看人数": "viewers",
    "观看用户数": "viewers",
    "播放人数": "viewers",
    "观看时长": "watch_minutes",
    "观看时长分钟": "watch_minutes",
    "播放时长": "watch_minutes",
    "完播率": "completion_rate",
    "点赞": "likes",
    "点赞数": "likes",
    "点赞量": "likes",
    "评论": "comments",
    "评论数": "comments",
    "评论量": "comments",
    "分享": "shares",
    "分享数": "shares",
    "转发": "shares",
    "转发数": "shares",
    "收藏": "favorites",
    "收藏数": "favorites",
    "追剧": "favorites",
    "favourites": "favorites",
    "充值金额": "recharge_yuan",
    "充值": "recharge_yuan",
    "充值收入": "recharge_yuan",
    "广告收入": "ad_revenue_yuan",
    "广告变现": "ad_revenue_yuan",
    "投放金额": "ad_spend_yuan",
    "投流金额": "ad_spend_yuan",
    "投放消耗": "ad_spend_yuan",
    "消耗": "ad_spend_yuan",
    # Further spellings seen in vendor and back-office exports.
    "平台名称": "platform",
    "渠道": "platform",
    "渠道名称": "platform",
    "剧集名称": "title",
    "短剧名": "title",
    "剧集": "title",
    "统计时间": "date",
    "日期天": "date",
    "vv": "plays",
    "uv": "viewers",
    "完播": "completion_rate",
    "付费金额": "recharge_yuan",
    "充值流水": "recharge_yuan",
    "付费流水": "recharge_yuan",
    "广告流水": "ad_revenue_yuan",
    "消耗金额": "ad_spend_yuan",
    "投放消耗金额": "ad_spend_yuan",
    "转发量": "shares",
    "分享量": "shares",
    "收藏量": "favorites",
    "制作公司": "producer",
    "出品单位": "producer",
    "评分": "score",
    "用户评分": "score",
    "评分人数": "votes",
    "打分人数": "votes",
    "专家id": "expert_id",
    "专家编号": "expert_id",
    "思想性": "values",
    "艺术性": "artistry",
    "制作水准": "production",
    "制作水平": "production",
    "创新性": "innovation",
    "评语": "comment",
    "评审意见": "comment",
    "评审日期": "reviewed_on",
    "评审时间": "reviewed_on",
}

# A unit or note in brackets after a header, e.g. 充值金额（元） or 观看时长(分钟).
_BRACKETED_SUFFIX = re.compile(r"[\(（\[【][^\)）\]】]*[\)）\]】]\s*$")
_SPACES = re.compile(r"[\s\u3000_\-]+")


def canonical_name(header: str) -> str | None:
    """Return the canonical column a header names, or None when it names none."""
    text = header.strip().lstrip("\ufeff").strip()
    text = _BRACKETED_SUFFIX.sub("", text).strip()
    folded = text.casefold()
    canonical = {name for spec in SPECS.values() for name in spec.all}
    if folded in canonical:
        return folded
    snake = _SPACES.sub("_", folded)
    if snake in canonical:
        return snake
    squeezed = _SPACES.sub("", folded)
    return ALIASES.get(folded) or ALIASES.get(squeezed)


# A unit in a header's brackets that scales every value of the column: 播放量（万）, 充值（万元）,
# 完播率(%). The suffix is appended to each cell, where the value parsers understand it.
_UNIT_SUFFIXES = {
    "万": "万",
    "万元": "万",
    "万次": "万",
    "亿": "亿",
    "亿元": "亿",
    "亿次": "亿",
    "千": "千",
    "千元": "千",
    "百万": "百万",
    "%": "%",
    "％": "%",
}
_SCALED_COLUMNS = {
    "plays",
    "viewers",
    "watch_minutes",
    "likes",
    "comments",
    "shares",
    "favorites",
    "votes",
    "recharge_yuan",
    "ad_revenue_yuan",
    "ad_spend_yuan",
    "price_per_episode",
    "completion_rate",
}
_BRACKET = re.compile(r"[\(（\[【]\s*([^\)）\]】]*?)\s*[\)）\]】]\s*$")


def header_unit(header: str, canonical: str) -> str | None:
    """The unit suffix a header declares for its column's values, or None when it declares none."""
    match = _BRACKET.search(header.strip())
    if not match or canonical not in _SCALED_COLUMNS:
        return None
    suffix = _UNIT_SUFFIXES.get(match.group(1).strip())
    if suffix == "%" and canonical != "completion_rate":
        return None
    return suffix
