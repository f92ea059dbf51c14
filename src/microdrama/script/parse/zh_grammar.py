"""The grammar of Chinese short-drama scripts: patterns, vocabulary, marks, headers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from microdrama.script.parse.zh_lines import FOLD, Line, prepare_lines

__all__ = ["FOLD", "Line", "prepare_lines"]  # re-exported for the parser


_NUMERAL = r"[0-9]{1,6}|[零〇一二两三四五六七八九十百千]{1,8}"
EPISODE = re.compile(
    rf"^[\[【(]?\s*第\s*(?P<number>{_NUMERAL})\s*[集话]\s*[\]】)]?\s*[:\-—–·.、]?\s*(?P<title>.*)$"
)
_EPISODE_EN = re.compile(
    r"^(?:EP|EPISODE)\s*\.?\s*(?P<number>[0-9]{1,6})(?![0-9])\s*[:\-—–.]?\s*(?P<title>.*)$", re.I
)
EPISODE_LIKE = re.compile(r"^[\[【(]?\s*第[^\s,，。]{0,4}[集话]\s*(?:[:】\]]|$)")
END_MARK = re.compile(
    r"^[(\[【]?\s*(?:本集完|全剧终|剧终|完|终|未完待续|待续|THE END|END)\s*[)\]】]?$", re.I
)
SCENE_NUMBER = re.compile(
    rf"^(?:第\s*(?P<ordinal>{_NUMERAL})\s*场"
    rf"|场[景次]\s*(?P<counted>{_NUMERAL})|场\s*(?P<digits>[0-9]{{1,4}})"
    r"|(?P<labelled>场景)(?=\s*:)"
    r"|(?P<pair>[0-9]{1,4})\s*[-_–—]\s*(?P<pair_no>[0-9]{1,4}[A-Za-z]?)"
    r"(?=[\s:.、/·(\[【]|$|[日夜晨暮早晚午凌清傍黄白深上下中内外])"
    r"|(?P<bare>[0-9]{1,4}[A-Za-z]?)(?=[\s:.、]|$))\s*[:.、]?\s*"
)
_CAST_INLINE = re.compile(
    r"(?:出场|出镜|登场)(?:人物|角色)?\s*:|(?:人物|角色)\s*:|【(?:人物|角色)】"
)
CAST_LINE = re.compile(
    r"^(?:(?:出场|出镜|登场)(?:人物|角色)?|主要人物|人物|角色)\s*:\s*(?P<names>.*)$"
    r"|^【(?:出场人物|人物|角色)】\s*(?P<listed>.*)$"
)
# `地点：咖啡厅 时间：日 内景` and `【场景】别墅客厅 【时间】夜`: a header as labelled fields.
LABEL = re.compile(
    r"(?:^|(?<=[\s,;:.、)\]】]))(?:【(?P<bracketed>地点|场景|场地|时间|内外景?|景别?)】"
    r"|(?P<keyed>地点|场景|场地|时间|内外景?|景别?)\s*:)\s*"
)
_NAME_SPAN = re.compile(r"\([^()]*\)|[^、,/;\s()]+")
# 名字（OS）：, 名字【OS】：, 名字[OS]：, and a second bracket for a direction: 名字（OS）（哭）：
DIALOGUE = re.compile(
    r"^(?P<name>[^:()\[\]【】]{1,12}?)\s*"
    r"(?:[(\[【](?P<ext>[^()\[\]【】]{0,12})[)\]】]\s*)?"
    r"(?:\((?P<paren>[^()]{0,12})\)\s*)?:(?P<rest>.*)$"
)
BRACKET = re.compile(r"【(?P<a>[^【】\n]{0,80})】|\[(?P<b>[^\[\]\n]{0,80})\]")
TITLE = re.compile(r"^《(?P<title>[^《》]{1,60})》$")
FRONT_KEY = re.compile(r"^(?P<key>[^\s:()\[\]【】《》]{1,8})\s*:\s*(?P<value>.*)$")
BIO = re.compile(
    r"(?:^|(?<=[\s。,;、:]))(?P<name>[^\s:(),;、。]{1,10}(?: [^\s:(),;、。]{1,4})?)"
    r"\s*\(\s*[0-9]{1,3}\s*岁?\s*\)\s*:"
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
WORD = re.compile(r"[^\W_]")

_TIMES = "凌晨 清晨 早晨 早上 上午 中午 午后 下午 傍晚 黄昏 白天 日间 夜晚 夜间 晚上 深夜 午夜 黎明"
_TIME_WORDS = frozenset(_TIMES.split()) | frozenset("日夜晨暮早晚午昼")
_INTERIORS = {"内外景": "内外", "外内景": "内外", "内外": "内外", "外内": "内外"}
_INTERIORS |= {"内景": "内", "外景": "外", "内": "内", "外": "外"}
_TOKENS = tuple(sorted(_TIME_WORDS | _INTERIORS.keys(), key=len, reverse=True))
_TOKEN_FIRST = frozenset(token[0] for token in _TOKENS)
_TOKEN_LAST = frozenset(token[-1] for token in _TOKENS)
# Places whose name begins with a time or 内/外 character: where a header runs them together
# (1-1日内外婆家, 1-1夜外滩), the character stays with the place.
_PLACE_STARTS = frozenset(
    "外滩 外环 外婆 外公 外企 外科 外国 外地 外卖 外贸 外交 外语 外屋 外间 内蒙 内科 内衣 "
    "内室 内屋 内院 日料 日本 日式 日报 日记 夜市 夜店 夜总 夜宵 夜场 夜校 晨跑 早餐 早点 "
    "午餐 晚宴".split()
)
_UNNUMBERED_MAX = 40  # a header without a scene number is short, or it is prose
_SEP = frozenset(" \t/·・、,-—–.|:_()[]【】")
_SENTENCE_END = frozenset("。!?！？;；…")
_NAME_FORBIDDEN = frozenset(",.!?;:'\"“”‘’…—~《》<>「」『』/\\|#*@&%$^=+△▲。、，；！？（）()")
BOUNDARY = frozenset(" \t。!?…~」』”\"')—")
SPEECH_VERBS = ("说", "道", "喊", "问", "答", "吼", "叫", "骂", "嚷", "写着", "显示", "想")
# A writer's own word for a mark → the name the breakdown and hook finder look for.
MARK_ALIASES = {
    "付费卡点": "付费点",
    "付费节点": "付费点",
    "付费": "付费点",
    "钩子": "卡点",
    "断点": "卡点",
    "集尾卡点": "卡点",
    "闪回开始": "闪回",
    "回忆开始": "闪回",
    "回忆": "闪回",
    "闪回完": "闪回结束",
    "回忆结束": "闪回结束",
    "回忆完": "闪回结束",
    "回到现实": "闪回结束",
    "大反转": "反转",
    "反转点": "反转",
}
MARK_WORDS = (
    frozenset(
        "字幕 闪回 闪回结束 卡点 反转 付费点 转场 音效 画面 特写 黑屏 定格 慢镜头 空镜 "
        "音乐 配乐 BGM 插曲 片头 片尾 彩蛋 悬念 叠化 淡入 淡出 镜头".split()
    )
    | MARK_ALIASES.keys()
)
# Marks that carry words: 【字幕】三年后 reads as 【字幕：三年后】.
VALUE_MARKS = frozenset("字幕 画面 音效 特写 空镜 镜头 音乐 配乐 BGM 插曲".split())
# What stands in 名字（…）： as an extension (how the line is heard); anything else there is a
# direction such as （冷笑） and becomes the parenthetical.
EXTENSIONS = frozenset(
    "OS VO O.S. V.O. OC O.C. CONT'D CONT’D 画外音 画外 旁白 内心 内心OS 心声 独白 内心独白 "
    "电话 广播 录音 视频 语音 回忆 画内".split()
)
_ASCII_EXTENSIONS = frozenset("OS VO OC CONT'D CONTD OSVO".split())
_ZH_EXTENSIONS = tuple(word for word in EXTENSIONS if not word.isascii())
QUOTES = {"「": "」", "『": "』", "“": "”", '"': '"', "‘": "’"}
GROUP_SPLIT = re.compile(r"[、&/]")
# 【林晚】台词 and 林晚 alone on a line (its words on the next), for names the script has listed.
BRACKET_CUE = re.compile(r"^[【\[](?P<name>[^【】\[\]:]{1,10})[】\]]\s*:?\s*(?P<rest>.*)$")
ALONE_CUE = re.compile(r"^(?P<name>[^:()\[\]【】\s]{1,10})\s*(?:\((?P<ext>[^()]{1,12})\))?$")
TOGETHER = frozenset("同时 齐声 异口同声 一起 合 众 齐".split())
# Who speaks a narration line when the narrator is written first: 画外音（林晚）：
VOICE_SPEAKERS = frozenset("OS VO 画外音 旁白 心声 内心 内心OS 独白".split())
NOTE_WORDS = frozenset("备注 注 注释 说明 提示 编剧注".split())
NOT_SPEAKERS = frozenset("时间 地点 场景 场次 景别 道具 服装 化妆 特效 剧情 标题 剧名".split())
FRONT_WORDS = frozenset(
    "剧名 片名 标题 名称 类型 题材 集数 总集数 时长 单集时长 编剧 作者 原著 出品 版权 联系 "
    "联系方式 日期 版本 大纲 梗概 简介 看点 卖点 亮点 主题 背景 世界观 人物 角色 人设 人物表 "
    "人物关系 主要人物 备注 风格 基调 受众 标签 关键词 前情提要".split()
)
FRONT_SUFFIXES = ("大纲", "梗概", "简介", "介绍", "小传", "设定", "说明", "背景")
CAST_BLOCKS = frozenset(
    "人物小传 人物介绍 人物简介 人物设定 角色介绍 角色设定 主要人物 人物表 人设".split()
)
TITLE_KEYS = frozenset({"剧名", "片名", "标题"})
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def zh_number(text: str) -> int | None:
    """An episode or scene number written as 12, 十二, 两, 九十九 or 一百零五."""
    if text.isascii() and text.isdigit():
        return int(text)
    total = current = 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            return None
    return total + current


def normalise_extension(raw: str | None) -> str | None:
    """(O.S.), (os), (V.O.), (CONT’D) → OS, OS, VO, CONT'D; Chinese ones (画外音) as written."""
    text = (raw or "").strip().replace("’", "'")
    if text.isascii():
        text = text.upper().replace(".", "").replace(" ", "")
    return text or None


@dataclass(slots=True)
class Heading:
    """The fields of a scene header line."""

    number: str | None
    episode: int | None  # the N of an N-M scene number
    text: str
    time: str | None
    interior: str | None
    location: str | None
    cast: list[str] = field(default_factory=list)


def episode_header(line: Line) -> tuple[int, str | None] | None:
    """第1集 / 第十二集：标题 / 【第3集】 / EP1 as (number, title as written), else None."""
    match = EPISODE.match(line.fold) or _EPISODE_EN.match(line.fold)
    if match is None:
        return None
    number = zh_number(match["number"])
    title = line.text[match.start("title") :].strip(' 「」『』"“”《》')
    return None if number is None else (number, title or None)


def _take(
    fold: str, start: int, end: int, leading: bool, glued: bool = False
) -> tuple[str | None, int, int]:
    """One 日/夜/内/外… token at the start (or end) of fold[start:end] that stands on its own.

    `glued` takes a leading token even when the location follows without a separator.
    """
    first, last = start, end
    if leading:
        while first < last and fold[first] in _SEP:
            first += 1
    else:
        while last > first and fold[last - 1] in _SEP:
            last -= 1
    if first >= last or (
        fold[first] not in _TOKEN_FIRST if leading else fold[last - 1] not in _TOKEN_LAST
    ):
        return None, start, end
    for token in _TOKENS:
        if leading and fold.startswith(token, first, last):
            after = first + len(token)
            alone = after == last or fold[after] in _SEP or fold.startswith(_TOKENS, after, last)
            glued_ok = glued and len(token) == 1 and fold[first : first + 2] not in _PLACE_STARTS
            if alone or glued_ok:
                while after < last and fold[after] in _SEP:
                    after += 1
                return token, after, end
        elif not leading and fold.endswith(token, first, last):
            before = last - len(token)
            alone = before == first or fold[before - 1] in _SEP
            if alone or fold.endswith(_TOKENS, first, before) or (glued and len(token) == 1):
                while before > first and fold[before - 1] in _SEP:
                    before -= 1
                return token, start, before
    return None, start, end


@dataclass(slots=True)
class _Fields:
    """Time, interior and location taken off a header."""

    time: str | None = None
    interior: str | None = None
    interior_token: str = ""

    def take(
        self, fold: str, start: int, end: int, sides: tuple[bool, ...], glued: bool = False
    ) -> tuple[int, int]:
        """Take up to two tokens from each side in `sides`; the rest is the location."""
        for leading in sides:
            for _ in range(3):  # a time, 内 or 外, and the other of them (日 内/外)
                token, new_start, new_end = _take(fold, start, end, leading, glued)
                if token is None:
                    break
                if (
                    token not in _TIME_WORDS
                    and self.interior
                    and self.interior != _INTERIORS[token]
                ):
                    self.interior = "内外"  # 内/外: both
                    start, end = new_start, new_end
                    continue
                if self.time if token in _TIME_WORDS else self.interior:
                    break
                if token in _TIME_WORDS:
                    self.time = token
                else:
                    self.interior, self.interior_token = _INTERIORS[token], token
                start, end = new_start, new_end
        while start < end and fold[start] in _SEP:
            start += 1
        while end > start and fold[end - 1] in _SEP and fold[end - 1] not in ")]】":
            end -= 1
        return start, end


def _labelled(line: Line, start: int, end: int) -> tuple[_Fields, str | None, int] | None:
    """`地点：咖啡厅 时间：日 内景` / `【场景】客厅 【时间】夜`: fields, location, label count."""
    fold = line.fold
    labels = list(LABEL.finditer(fold, start, end))
    if not labels or fold[start : labels[0].start()].strip():
        return None
    fields = _Fields()
    location: str | None = None
    for index, label in enumerate(labels):
        value_end = labels[index + 1].start() if index + 1 < len(labels) else end
        key = label["bracketed"] or label["keyed"]
        if key in ("地点", "场景", "场地"):
            first, last = fields.take(fold, label.end(), value_end, (False,))
            location = line.text[first:last].strip() or location
        else:
            first, last = fields.take(fold, label.end(), value_end, (True,))
            if fold[first:last].strip():
                return None  # a 时间 that is not a time of day: 时间：2025年 is prose
    return fields, location, len(labels)


def scene_heading(line: Line) -> Heading | None:
    """The scene header in any common layout, or None when the line is not one."""
    fold = line.fold
    cast_at = _CAST_INLINE.search(fold)
    end = cast_at.start() if cast_at else len(fold)
    number = SCENE_NUMBER.match(fold, 0, end)
    if number is None and end > _UNNUMBERED_MAX:
        return None
    start = number.end() if number else 0
    labelled = _labelled(line, start, end) if ":" in fold or "【" in fold else None
    if labelled is not None:
        fields, location, count = labelled
        if number is None and (count < 2 or location is None):
            return None
    else:
        fields = _Fields()
        # 3-2夜外别墅门口: time and place written straight after the number, no separators.
        glued = (
            number is not None and not number["bare"] and start > 0 and fold[start - 1] not in _SEP
        )
        first, last = fields.take(fold, start, end, (True, False), glued)
        if glued and not (fields.time and fields.interior):
            fields = _Fields()  # 3-2外滩 is the Bund, not 外 + 滩: glued needs time and 内/外
            first, last = fields.take(fold, start, end, (True, False))
        start, end = first, last
        location = line.text[start:end].strip()
        strong = number is not None and not number["bare"]
        if location and (_SENTENCE_END & set(fold[start:end]) or len(location) > 40):
            return None
        if not strong:
            weak_ok = number is not None and (fields.time or fields.interior)
            bare_ok = (
                number is None
                and location
                and ((fields.time and fields.interior) or "景" in fields.interior_token)
            )
            if not (weak_ok or bare_ok) or end > _UNNUMBERED_MAX or ":" in fold[start:end]:
                return None
    label = None
    pair_episode = None
    if number is not None:
        digits = number["ordinal"] or number["counted"] or number["digits"]
        label = str(zh_number(digits)) if digits else number["bare"]
        if number["pair"]:
            pair_episode = int(number["pair"])
            label = f"{number['pair']}-{number['pair_no']}"
    heading_end = cast_at.start() if cast_at else len(fold)
    cast = cast_names(fold[cast_at.end() :], line.text[cast_at.end() :]) if cast_at else []
    heading_text = line.text[:heading_end].strip()
    return Heading(
        label,
        pair_episode,
        heading_text,
        fields.time,
        fields.interior,
        location or None,
        cast,
    )


def known_heading(text: str) -> Heading:
    """A line marked as a heading elsewhere (Fountain `.天台 夜`, FDX) read as Chinese."""
    line = Line(0, text, text.translate(FOLD), False)
    heading = scene_heading(line)
    if heading is not None:
        return heading
    fields = _Fields()
    start, end = fields.take(line.fold, 0, len(line.fold), (True, False))
    location = text[start:end].strip() or None
    return Heading(None, None, text.strip(), fields.time, fields.interior, location)


def cast_names(fold: str, text: str) -> list[str]:
    """Names from a 人物：A、B（旁观）/C list as written, notes in brackets dropped."""
    return [text[m.start() : m.end()] for m in _NAME_SPAN.finditer(fold) if m[0][0] != "("]


def mark_name(label: str) -> str:
    """The mark a label names: 【付费卡点】 → 付费点, 【回忆】 → 闪回; others as written."""
    folded = label.translate(FOLD).strip()
    return MARK_ALIASES.get(folded, folded if folded in MARK_WORDS else label)


def is_extension(inner: str) -> bool:
    """Whether a bracket after a name says how a line is heard (OS, 画外音), not how it is said."""
    text = normalise_extension(inner) or ""
    if text.isascii():
        return text in _ASCII_EXTENSIONS
    return text.endswith(("OS", "VO")) or text.startswith(_ZH_EXTENSIONS)


def unquote(words: str) -> str:
    """「台词」, “台词”, "台词" → 台词, when one pair of quotes encloses the whole speech."""
    if len(words) > 2 and QUOTES.get(words[0]) == words[-1]:
        inner = words[1:-1]
        if words[0] not in inner and words[-1] not in inner:
            return inner.strip()
    return words


def valid_speaker(name: str) -> bool:
    """A plausible speaker: short, not only digits, no punctuation."""
    return (
        0 < len(name) <= 10
        and not name.isdigit()
        and not (_NAME_FORBIDDEN & set(name))
        and "  " not in name
    )


def split_paren(text: str, fold: str) -> tuple[str | None, str]:
    """A leading （哭） off the words of a speech."""
    lead = len(fold) - len(fold.lstrip())
    if fold[lead : lead + 1] == "(":
        close = fold.find(")", lead)
        if 0 < close - lead <= 40:
            return text[lead : close + 1], text[close + 1 :].strip()
    return None, text.strip()
