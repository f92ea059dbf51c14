"""A seeded generator of Chinese short-drama scripts, for benchmarks and tests (not for writing)."""

from __future__ import annotations

import random

TITLES = (
    "闪婚后，总裁他夜夜求复合",
    "重生之嫡女归来",
    "离婚后我成了首富",
    "替嫁新娘的逆袭",
    "龙王归来之都市至尊",
)
EPISODE_TITLES = (
    "订婚宴惊变",
    "雨夜追车",
    "真假千金",
    "一纸合同",
    "医院重逢",
    "董事会风波",
    "当众退婚",
    "身世之谜",
    "步步紧逼",
    "绝地反击",
    "旧照片",
    "陷阱",
)
LEADS = ("林晚", "顾承泽")
SUPPORT = ("苏曼", "顾母", "林父", "陈秘书", "周律师", "王总", "小雨", "保安")
# (location, interior or exterior): rooms are 内, streets and gardens 外, a car park both.
LOCATIONS = (
    ("顾氏集团总裁办公室", "内"),
    ("林家客厅", "内"),
    ("医院走廊", "内"),
    ("酒店宴会厅", "内"),
    ("顾家老宅书房", "内"),
    ("咖啡馆", "内"),
    ("别墅花园", "外"),
    ("街头", "外"),
    ("民政局门口", "外"),
    ("地下停车场", "内外"),
)
TIMES = ("日", "日", "夜", "夜", "晨", "黄昏")
ACTIONS = (
    "{a}推门而入，目光冷冷扫过众人。",
    "{a}攥紧手中的文件，指节发白。",
    "{b}端着红酒走来，笑意不达眼底。",
    "雨水顺着车窗流下，{a}的手机屏幕忽然亮起。",
    "{a}愣在原地，眼眶一点点泛红。",
    "众人窃窃私语，纷纷看向{a}。",
    "{b}一把夺过{a}手中的合同，撕成碎片。",
    "{a}深吸一口气，挺直脊背走到台前。",
    "{b}的脸色瞬间变得惨白。",
    "门外传来急促的脚步声，{b}慌忙藏起手里的东西。",
)
LINES = (
    "{b}，你到底想怎么样？",
    "三年前的事，我会让你一点一点还回来。",
    "这份合同，你签也得签，不签也得签！",
    "你以为我还是从前那个任你欺负的人吗？",
    "我给你最后一次机会。",
    "你根本不配站在这里。",
    "这件事和你没有关系。",
    "从今天起，顾家的事由我说了算。",
    "你放心，我不会再让任何人伤害你。",
    "别以为我不知道你在背后做了什么。",
    "凭什么？就凭你现在这副样子？",
    "我们之间，早就结束了。",
)
HEATED = ("滚出去！这里不欢迎你！", "闭嘴！你再说一句试试！", "我要和你离婚！马上！")
PARENTHETICALS = ("冷笑", "咬牙", "哽咽", "轻声", "震惊")
INNER = ("他怎么会在这里……", "不能让她发现。", "这一次，我绝不会再输。")
CAPTIONS = ("三年后", "顾氏集团", "当晚", "五年前")
# Lines a content-compliance checker should flag (flaunting wealth, graphic violence).
FLAGGED = (
    "△ 王总把一摞摞现金砸在桌上，炫富般晃着满手的名表。",
    "△ {b}抄起酒瓶狠狠砸向{a}的头，鲜血直流。",
    "王总：在这座城里，有钱就能买下一切，包括人命！",
    "△ 几个混混围上来，对{a}拳打脚踢，往死里打。",
)
QUESTIONS = ("你到底是谁？", "那天晚上，你到底看见了什么？", "孩子……是你的？")
BREAKS = ("等等，那个人是……", "其实我一直想告诉你——", "你听我解释，当年——")
REVEALS = ("原来，当年救我的人是你。", "没想到，你才是顾家真正的继承人。")
FLAT_ENDINGS = ("夜色渐深，{a}关上了灯。", "{a}转身离开，背影渐渐消失在人群中。")


def _heading(rng: random.Random, episode: int, scene: int) -> str:
    location, inside = rng.choice(LOCATIONS)
    time = rng.choice(TIMES)
    # Both numbering conventions in one file, as scripts assembled from several writers have.
    if rng.random() < 0.5:
        return f"{episode}-{scene} {time} {inside} {location}"
    return f"第{scene}场 {inside}/{time} {location}"


def _dialogue(rng: random.Random, speaker: str, other: str) -> str:
    roll = rng.random()
    if roll < 0.1:
        return f"{speaker}（OS）：{rng.choice(INNER)}"
    if roll < 0.2:
        return f"{speaker}：{rng.choice(HEATED)}"
    text = rng.choice(LINES).format(b=other)
    if roll < 0.35:
        return f"{speaker}：（{rng.choice(PARENTHETICALS)}）{text}"
    return f"{speaker}：{text}"


def _ending(rng: random.Random, a: str, b: str) -> list[str]:
    roll = rng.random()
    if roll < 0.35:
        return [f"△ {rng.choice(ACTIONS).format(a=a, b=b)}", "【卡点】"]
    if roll < 0.55:
        return [f"{a}：{rng.choice(QUESTIONS)}"]
    if roll < 0.7:
        return [f"{b}：{rng.choice(BREAKS)}"]
    if roll < 0.85:
        return [f"{a}：{rng.choice(REVEALS)}", "【反转】"]
    return [f"△ {rng.choice(FLAT_ENDINGS).format(a=a, b=b)}"]


def _episode(rng: random.Random, number: int) -> list[str]:
    lines = [f"第{number}集 {rng.choice(EPISODE_TITLES)}", ""]
    target = rng.randint(720, 880)
    scenes = rng.randint(2, 4)
    size = 0
    for scene in range(1, scenes + 1):
        a, b = rng.sample(LEADS, 2) if rng.random() < 0.6 else (rng.choice(LEADS), "")
        b = b or rng.choice(SUPPORT)
        present = [a, b, *([rng.choice(SUPPORT)] if rng.random() < 0.3 else [])]
        present = list(dict.fromkeys(present))
        block = [_heading(rng, number, scene), f"人物：{'、'.join(present)}"]
        if rng.random() < 0.25:
            block.append(f"【字幕：{rng.choice(CAPTIONS)}】")
        if rng.random() < 0.08:
            block += ["【闪回】", f"△ {rng.choice(ACTIONS).format(a=a, b=b)}", "【闪回结束】"]
        # Fill the scene up to its share of the episode's length.
        while size + sum(len(line) for line in block) < target * scene / scenes:
            if rng.random() < 0.3:
                block.append(f"△ {rng.choice(ACTIONS).format(a=a, b=b)}")
            else:
                speaker, other = (a, b) if rng.random() < 0.5 else (b, a)
                block.append(_dialogue(rng, speaker, other))
            if rng.random() < 0.03:
                block.append("【反转】")
        if scene == 1 and rng.random() < 0.15:
            block.append(rng.choice(FLAGGED).format(a=a, b=b))
        if scene == scenes:
            block += _ending(rng, a, b)
            if number == 10:
                block.append("【付费点】")
        size += sum(len(line) for line in block)
        lines += [*block, ""]
    return lines


def generate_script(episodes: int = 100, seed: int = 0) -> str:
    """A Chinese short-drama script of `episodes` episodes, ~800 characters each."""
    if episodes < 1:
        raise ValueError("episodes must be at least 1")
    rng = random.Random(seed)
    lines = [f"《{rng.choice(TITLES)}》", ""]
    for number in range(1, episodes + 1):
        lines += _episode(rng, number)
    return "\n".join(lines).rstrip() + "\n"
