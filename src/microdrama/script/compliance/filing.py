"""Filing checks for 网络微短剧: tier against investment, licence or filing number and its format.

Tiers (分类分层审核), as published:

- from 2024-06-01, 广电办发〔2024〕35号 三、1 (text read): 重点 when the total investment is
  ≥ 1,000,000 yuan or the subject is special (politics, military, diplomacy, national security,
  ethnicity, religion, justice, police ...), 普通 from 300,000 up to 1,000,000, 其他 below;
- from 2026-01-01 (NRTA adjustment, known from provincial republications, e.g. Guangxi's
  "2026版" guide): 重点 ≥ 3,000,000, 普通 1,000,000–3,000,000, 其他 below 1,000,000.
  《微短剧发展管理办法》(总局令第16号, from 2026-09-01) names them 一类/二类/三类 (Art. 5) and
  leaves the amounts to NRTA.

Number formats, 35号 三、2 (text read): 重点 “（总局或属地省份简称）网微剧审字（年份）第xxx号”,
普通 “（总局或属地省份简称）网微剧备字（年份）第xxx号”, 其他 “（播出平台简称）网微剧备字（年份）
第xxx号”. Older licences for online dramas read “网剧审字(2022)第001号” or “(沪)网剧审字(2023)
第001号” (广电办发〔2022〕128号). Any other format is reported as a warning, never a block: the
licence and approval numbers of 令16 (Art. 17) follow rules not yet published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from microdrama.script.compliance.rules import Severity

Tier = Literal["key", "ordinary", "other"]
NumberKind = Literal["licence", "registration", "platform"]

TIER_ALIASES: dict[str, Tier] = {
    "key": "key",
    "重点": "key",
    "重点微短剧": "key",
    "一类": "key",
    "ordinary": "ordinary",
    "普通": "ordinary",
    "普通微短剧": "ordinary",
    "二类": "ordinary",
    "other": "other",
    "其他": "other",
    "其他微短剧": "other",
    "三类": "other",
}
TIER_NAMES: dict[Tier, str] = {"key": "重点", "ordinary": "普通", "other": "其他"}
_RANK: dict[Tier, int] = {"other": 0, "ordinary": 1, "key": 2}
PROVINCES = frozenset("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕秦甘陇青宁新兵")
NATIONAL = frozenset({"总局", "国", "国家", "广电总局", "国家广电总局"})
MAX_EPISODE_SECONDS = 20 * 60  # 令16 Art. 2: an episode of a 微短剧 is shorter than 20 minutes

CITE_35 = (
    "《国家广播电视总局办公厅关于进一步统筹发展和安全促进网络微短剧行业健康繁荣发展的通知》"
    "（广电办发〔2024〕35号）"
)
CITE_2026 = "国家广电总局微短剧分类标准调整（2026年1月1日起，据省级广电部门转述，原文未见）"
CITE_16 = "《微短剧发展管理办法》（国家广播电视总局令第16号）"

_BRACKETS = str.maketrans("（）〔〕［］【】[]０１２３４５６７８９", "()()()()()0123456789")
_NUMBER = re.compile(
    r"^(?:\((?P<issuer>[^()]{1,12})\))?"
    r"(?P<kind>网微剧审字|网微剧备字|网剧审字)"
    r"\((?P<year>\d{4})\)第(?P<serial>\d{1,6})号$"
)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The investment amounts (yuan) that make a drama 重点 or 普通 from a date on."""

    since: date
    key_from: int
    ordinary_from: int
    citation: str


SCHEDULE = (
    Thresholds(date(2024, 6, 1), 1_000_000, 300_000, CITE_35 + "第三部分第1项"),
    Thresholds(date(2026, 1, 1), 3_000_000, 1_000_000, CITE_2026),
)


@dataclass(frozen=True, slots=True)
class FilingData:
    """What a producer declares about a drama; amounts in yuan, durations in whole seconds."""

    investment_yuan: int | None = None
    tier: str | None = None  # 重点/普通/其他, key/ordinary/other or 一类/二类/三类
    filing_number: str | None = None
    episode_count: int | None = None
    episode_durations_s: tuple[int, ...] = ()
    special_subject: bool = False
    on: date | None = None  # the day whose thresholds apply; None: the latest

    def __post_init__(self) -> None:
        if self.investment_yuan is not None and self.investment_yuan < 0:
            raise ValueError("investment_yuan must not be negative")
        if self.episode_count is not None and self.episode_count < 1:
            raise ValueError("episode_count must be at least 1")
        if any(seconds <= 0 for seconds in self.episode_durations_s):
            raise ValueError("episode durations must be positive")
        if self.tier is not None:
            parse_tier(self.tier)


@dataclass(frozen=True, slots=True)
class FilingNumber:
    """A licence or filing number taken apart."""

    kind: NumberKind
    issuer: str | None
    year: int
    serial: int
    legacy: bool  # 网剧审字: an online-drama licence of the 2022 scheme


@dataclass(frozen=True, slots=True)
class FilingIssue:
    """One problem with the filing data."""

    rule: str
    severity: Severity
    text: str
    match: str
    citation: str
    suggestion: str


def parse_tier(value: str) -> Tier:
    """The tier a name stands for; ValueError for an unknown name."""
    tier = TIER_ALIASES.get(value.strip().lower())
    if tier is None:
        raise ValueError(f"unknown tier {value!r}: use 重点/普通/其他 or key/ordinary/other")
    return tier


def thresholds(on: date | None = None) -> Thresholds:
    """The thresholds in force on a day (the earliest before 2024-06-01, the latest for None)."""
    if on is None:
        return SCHEDULE[-1]
    return next((t for t in reversed(SCHEDULE) if t.since <= on), SCHEDULE[0])


def tier_for_investment(yuan: int, *, on: date | None = None) -> Tier:
    """The tier an investment amount falls in."""
    limits = thresholds(on)
    if yuan >= limits.key_from:
        return "key"
    return "ordinary" if yuan >= limits.ordinary_from else "other"


def parse_filing_number(number: str) -> FilingNumber | None:
    """The parts of a number in one of the known formats, or None."""
    normalised = re.sub(r"\s+", "", number.translate(_BRACKETS))
    match = _NUMBER.match(normalised)
    if match is None:
        return None
    issuer = match["issuer"]
    kind: NumberKind
    if match["kind"] in ("网微剧审字", "网剧审字"):
        kind = "licence"
    elif issuer is not None and (issuer in PROVINCES or issuer in NATIONAL):
        kind = "registration"
    else:
        kind = "platform"
    return FilingNumber(
        kind, issuer, int(match["year"]), int(match["serial"]), legacy=match["kind"] == "网剧审字"
    )


def check_filing(data: FilingData) -> list[FilingIssue]:
    """Every problem found in the filing data."""
    issues: list[FilingIssue] = []
    tier = _check_tier(data, issues)
    number = (data.filing_number or "").strip()
    if not number:
        _missing_number(tier, issues)
    else:
        _check_number(number, tier, data.on, issues)
    _check_episodes(data, issues)
    return issues


def _check_tier(data: FilingData, issues: list[FilingIssue]) -> Tier | None:
    declared = parse_tier(data.tier) if data.tier else None
    expected: Tier | None = None
    limits = thresholds(data.on)
    if data.investment_yuan is not None:
        expected = tier_for_investment(data.investment_yuan, on=data.on)
    if data.special_subject:
        expected = "key"
    text = f"投资额：{_yuan(data.investment_yuan)}；申报类别：{data.tier or '未申报'}"
    if declared and expected and _RANK[declared] < _RANK[expected]:
        reason = "特殊题材" if data.special_subject else f"投资额 {_yuan(data.investment_yuan)}"
        issues.append(
            FilingIssue(
                "filing.tier-contradicts-investment",
                "block",
                text,
                data.tier or "",
                limits.citation if not data.special_subject else CITE_35 + "第三部分第1项",
                f"按{reason}应为“{TIER_NAMES[expected]}微短剧”，申报为“{TIER_NAMES[declared]}”；"
                f"按{TIER_NAMES[expected]}微短剧办理规划备案和审查。",
            )
        )
    elif declared and expected and _RANK[declared] > _RANK[expected]:
        issues.append(
            FilingIssue(
                "filing.tier-voluntary",
                "info",
                text,
                data.tier or "",
                CITE_35 + "第三部分第1项（自愿按重点微短剧申报）；" + CITE_16 + "第五十条",
                f"投资额对应“{TIER_NAMES[expected]}微短剧”，自愿按“{TIER_NAMES[declared]}”申报是允许的；"
                "确认这是有意为之。",
            )
        )
    elif declared is None and expected is None:
        issues.append(
            FilingIssue(
                "filing.tier-unknown",
                "warn",
                text,
                "",
                limits.citation,
                "填写总投资额或申报类别（重点/普通/其他），才能判断需要哪一级备案。",
            )
        )
    # Numbers are checked against the stricter tier: under-declaring does not waive a licence.
    return max((t for t in (declared, expected) if t), key=_RANK.__getitem__, default=None)


def _missing_number(tier: Tier | None, issues: list[FilingIssue]) -> None:
    if tier in ("key", "ordinary"):
        what = "网络剧片发行许可证号" if tier == "key" else "登记备案号"
        issues.append(
            FilingIssue(
                "filing.number-missing",
                "block",
                f"申报类别：{TIER_NAMES[tier]}；备案号：无",
                "",
                CITE_35 + "第三部分第1项、第2项；" + CITE_16 + "第十七条、第二十七条",
                f"{TIER_NAMES[tier]}微短剧须经省级以上广电主管部门规划备案和成片审查，"
                f"上线前在片头标注{what}。",
            )
        )
    else:
        issues.append(
            FilingIssue(
                "filing.number-missing",
                "warn",
                "备案号：无",
                "",
                CITE_35 + "第三部分第2项",
                "上线前须在片头标注播出平台审核后给出的节目备案号（（平台简称）网微剧备字（年份）第xxx号）；"
                "未标注的不得上线传播。",
            )
        )


def _check_number(
    number: str, tier: Tier | None, on: date | None, issues: list[FilingIssue]
) -> None:
    parsed = parse_filing_number(number)
    text = f"备案号：{number}"
    if parsed is None:
        issues.append(
            FilingIssue(
                "filing.number-format",
                "warn",
                text,
                number,
                CITE_35 + "第三部分第2项",
                "无法识别的格式。已知格式：（总局或省份简称）网微剧审字（年份）第xxx号（重点）、"
                "（总局或省份简称）网微剧备字（年份）第xxx号（普通）、（平台简称）网微剧备字（年份）第xxx号（其他）；"
                "按《微短剧发展管理办法》新发的编号请人工核对。",
            )
        )
        return
    latest = on.year if on is not None else None
    if parsed.year < 2000 or (latest is not None and parsed.year > latest) or parsed.serial == 0:
        issues.append(
            FilingIssue(
                "filing.number-implausible",
                "warn",
                text,
                number,
                CITE_35 + "第三部分第2项",
                "编号中的年份或序号不合理，请与许可证、备案凭证核对。",
            )
        )
    elif not parsed.legacy and parsed.year < 2024:
        issues.append(
            FilingIssue(
                "filing.number-implausible",
                "warn",
                text,
                number,
                CITE_35 + "第三部分第2项",
                "“网微剧”编号自2024年起使用，早于2024年的年份请核对。",
            )
        )
    if parsed.kind == "licence" and parsed.issuer is None and not parsed.legacy:
        issues.append(
            FilingIssue(
                "filing.number-format",
                "warn",
                text,
                number,
                CITE_35 + "第三部分第2项",
                "许可证号前应有发证机关简称，格式为（总局或属地省份简称）网微剧审字（年份）第xxx号。",
            )
        )
    if tier == "key" and parsed.kind != "licence":
        issues.append(
            FilingIssue(
                "filing.number-tier-mismatch",
                "warn",
                text,
                number,
                CITE_35 + "第三部分第2项",
                "重点微短剧应标注网络剧片发行许可证号（网微剧审字），而不是备案号；核对申报类别或编号。",
            )
        )
    elif tier == "ordinary" and parsed.kind == "platform":
        issues.append(
            FilingIssue(
                "filing.number-tier-mismatch",
                "warn",
                text,
                number,
                CITE_35 + "第三部分第1项、第2项",
                "普通微短剧须报省级以上广电主管部门备案，平台备案号不够；核对申报类别或编号。",
            )
        )


def _check_episodes(data: FilingData, issues: list[FilingIssue]) -> None:
    durations = data.episode_durations_s
    count = data.episode_count
    if count is not None and durations and count != len(durations):
        issues.append(
            FilingIssue(
                "filing.episode-count-mismatch",
                "warn",
                f"集数：{count}；时长条目：{len(durations)}",
                str(count),
                CITE_35 + "第三部分第2项",
                "申报集数与逐集时长的条数不一致，请核对。",
            )
        )
    long = [index for index, seconds in enumerate(durations, 1) if seconds >= MAX_EPISODE_SECONDS]
    if long:
        shown = "、".join(
            f"第{index}集 {durations[index - 1] // 60}分{durations[index - 1] % 60}秒"
            for index in long[:5]
        )
        issues.append(
            FilingIssue(
                "filing.episode-too-long",
                "warn",
                f"单集时长：{shown}",
                shown,
                CITE_16 + "第二条",
                "微短剧单集时长应少于二十分钟；超过的剧集不按微短剧管理，请核对时长或申报类型。",
            )
        )


def _yuan(amount: int | None) -> str:
    return "未填" if amount is None else f"{amount:,}元"
