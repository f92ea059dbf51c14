"""Word banks and weight tables of the demo simulation: platforms, cities, genres, names, titles.

Pure data, no randomness: the simulator draws from these. Calibration rows are cited as
[facts: SECTION / ROW] from `shared/industry_facts.md`; every name is made up.
"""

from __future__ import annotations

# name, share of works as primary platform, log offset of plays, P(IAA). Free apps (红果/番茄/河马)
# lean to IAA and carry the biggest hits [facts: Works / hits]; ~10% overseas, mostly paid
# [facts: Distributions / paid share 88.5%].
PLATFORMS: tuple[tuple[str, float, float, float], ...] = (
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
OVERSEAS_FROM = 7  # index of the first overseas platform above

# city, share of companies, region code (GB/T 2260), province abbreviation. Hubs first
# [facts: Hubs].
CITIES: tuple[tuple[str, float, str, str], ...] = (
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
GENRE_WEIGHTS: dict[str, tuple[float, float]] = {
    "urban": (10, 0.1), "sweet_romance": (12, 0.2), "revenge": (8, 0.15), "comeback": (10, 0.25),
    "rebirth": (8, 0.2), "time_travel": (6, 0.1), "war_god": (6, 0.2), "ceo": (9, 0.3),
    "family": (7, 0.1), "cute_baby": (5, 0.1), "costume": (6, 0.0), "fantasy": (5, -0.1),
    "suspense": (4, -0.1), "comedy": (3, -0.2), "youth": (3, -0.3), "rural": (2, -0.3),
}
# fmt: on

# Monetisation models by their code in the simulation (0 paid, 1 ad-funded, 2 both).
MODEL_KEYS = ("IAP", "IAA", "hybrid")

Bank = tuple[tuple[str, str], ...]


def bank(spec: str) -> Bank:
    """Parse "zh=en; zh=en; ..." into (zh, en) pairs."""
    return tuple(
        (zh.strip(), en.strip()) for zh, en in (item.split("=") for item in spec.split(";"))
    )


SURNAMES = bank(
    "王=Wang;李=Li;张=Zhang;刘=Liu;陈=Chen;杨=Yang;赵=Zhao;黄=Huang;周=Zhou;吴=Wu;徐=Xu;孙=Sun;"
    "胡=Hu;朱=Zhu;高=Gao;林=Lin;何=He;郭=Guo;马=Ma;罗=Luo;梁=Liang;宋=Song;郑=Zheng;谢=Xie;"
    "韩=Han;唐=Tang;冯=Feng;于=Yu;董=Dong;萧=Xiao;程=Cheng;曹=Cao;袁=Yuan;邓=Deng;许=Xu;傅=Fu;"
    "沈=Shen;曾=Zeng;彭=Peng;吕=Lü;苏=Su;卢=Lu;蒋=Jiang;蔡=Cai;贾=Jia;丁=Ding;魏=Wei;薛=Xue;"
    "叶=Ye;阎=Yan;顾=Gu;江=Jiang;陆=Lu;秦=Qin"
)
GIVEN_NAMES = bank(  # 小 first: it only starts a given name
    "小=xiao;伟=wei;芳=fang;娜=na;敏=min;静=jing;丽=li;强=qiang;磊=lei;军=jun;洋=yang;勇=yong;艳=yan;"
    "杰=jie;涛=tao;明=ming;超=chao;秀=xiu;霞=xia;平=ping;刚=gang;晨=chen;宇=yu;浩=hao;欣=xin;"
    "然=ran;子=zi;涵=han;思=si;雨=yu;轩=xuan;梓=zi;萱=xuan;博=bo;文=wen;佳=jia;怡=yi;嘉=jia;"
    "琪=qi;俊=jun;诗=shi;满=man;若=ruo;清=qing;婉=wan;一=yi;凡=fan;辰=chen;瑶=yao;"
    "安=an;星=xing;月=yue;知=zhi;意=yi"
)
# Company names: city + one character of each brand bank + a company kind.
BRAND_FIRST = "星华风云天金龙凤光影晨明新盛鼎嘉博瑞锦美青蓝紫海山长东北中启元麦听远朗"
BRAND_SECOND = "河辰月阳川禾悦宸宇石泽梦途火岚帆峰原木涛野歌岸桥舟鹿鸣兆翼"
COMPANY_KINDS = tuple(
    f"{kind}有限公司"
    for kind in "影视文化 文化传媒 影业 网络科技 传媒 影视传媒 数字科技 文化科技".split()
)

# Title templates (weight, zh pattern, en pattern, slot banks); the English pattern uses the same
# slots, so every Chinese title has a matching English one.
TITLE_TEMPLATES: tuple[tuple[float, str, str, tuple[Bank, ...]], ...] = (
    (0.30, "{0}后{1}{2}{3}我", "After {0}, {1} {3} Me {2}", (
        bank("闪婚=the Flash Marriage;离婚=the Divorce;退婚=the Broken Vow;重生=Rebirth;"
             "相亲=the Blind Date;契约婚姻=the Contract Marriage;假结婚=the Fake Wedding;"
             "认亲=the Reunion;替嫁=the Swapped Bride;分手=the Breakup;"
             "隐婚=the Secret Marriage;下山=Leaving the Mountain;出狱=Prison;觉醒=the Awakening"),
        bank("霸总=the CEO;总裁=the President;首富=the Tycoon;战神=the War God;大佬=the Boss;"
             "前夫=My Ex;少帅=the Marshal;王爷=the Prince;影帝=the Star;老公=My Husband;"
             "竹马=My Old Friend;世子=the Heir;将军=the General;神医=the Healer"),
        bank("天天=Daily;夜夜=Nightly;日日=Day by Day;又来=Again;偷偷=in Secret;"
             "拼命=Desperately;跪求=on His Knees;处处=Everywhere"),
        bank("宠=Spoils;追=Chases;哄=Coaxes;护=Guards;缠=Clings to;撩=Teases;找=Seeks;"
             "等=Waits for"),
    )),
    (0.12, "{0}之我在{1}当{2}", "{0}: {2} in {1}", (
        bank("重生=Reborn;穿越=Transported;逆袭=Rising"),
        bank("西安=Xi'an;长安=Chang'an;东北=the Northeast;江南=Jiangnan;京城=the Capital;"
             "八零年代=the 1980s;县城=a County Town;大唐=the Tang;北宋=the Song;深圳=Shenzhen;"
             "上海=Shanghai;杭州=Hangzhou;南京=Nanjing;郑州=Zhengzhou;洛阳=Luoyang;成都=Chengdu;"
             "七零年代=the 1970s;九零年代=the 1990s;边关=the Frontier;山村=a Mountain Village;"
             "海岛=an Island;古代=Ancient Times;末世=the Apocalypse;豪门=a Rich Family"),
        bank("首富=Richest Man;县令=Magistrate;厂长=Factory Chief;神医=Miracle Doctor;"
             "大厨=Head Chef;村长=Village Head;首辅=Chancellor;将军=General;大佬=Big Boss;"
             "富婆=Rich Lady;捕快=Constable;掌柜=Shopkeeper;校长=Headmaster;赘婿=Son-in-Law;"
             "女帝=Empress;县长=County Chief"),
    )),
    (0.20, "{0}的{1}{2}", "{0} {1} {2}", (
        bank("总裁=The CEO's;战神=The War God's;首富=The Tycoon's;将军=The General's;"
             "神医=The Healer's;王爷=The Prince's;少帅=The Marshal's;影帝=The Star's;"
             "太子=The Crown Prince's;教授=The Professor's;掌门=The Sect Leader's;"
             "侯爷=The Marquis's"),
        bank("替身=Stand-in;隐婚=Secret;落跑=Runaway;千亿=Billionaire;天价=Priceless;"
             "契约=Contract;失忆=Amnesiac;团宠=Beloved;神秘=Mysterious;冷艳=Icy;娇俏=Sweet;"
             "倔强=Stubborn"),
        bank("新娘=Bride;娇妻=Wife;萌宝=Baby;千金=Heiress;前妻=Ex-Wife;女儿=Daughter;"
             "保镖=Bodyguard;秘书=Secretary;医女=Physician;厨娘=Cook;郡主=Princess;"
             "师妹=Junior Sister"),
    )),
    (0.05, "我的{0}个{1}{2}", "My {0} {1} {2}", (
        bank("三=Three;五=Five;六=Six;七=Seven;九=Nine;十=Ten"),
        bank("绝色=Gorgeous;大佬=Mighty;神秘=Mysterious;无敌=Invincible;倾城=Stunning;"
             "护短=Protective"),
        bank("姐姐=Sisters;哥哥=Brothers;师父=Masters;徒弟=Disciples;舅舅=Uncles;"
             "女婿=Sons-in-Law;师姐=Senior Sisters;爹地=Daddies"),
    )),
    (0.05, "{0}{1}", "{1} {0}", (
        bank("长安=Chang'an;古城=the Old Town;江湖=the Jianghu;山村=the Village;"
             "大宋=the Song Dynasty;十里洋场=the Bund;雪山=the Snow Peak;边城=the Border Town;"
             "海岛=the Island;小镇=the Small Town;金陵=Jinling;洛阳=Luoyang;"
             "西域=the Western Regions;京华=the Capital;渡口=the Ferry;老街=the Old Street"),
        bank("诡事录=Strange Tales of;疑案=The Mystery of;往事=Memories of;风云=Storm over;"
             "奇缘=Romance in;除妖记=Demon Hunters of;传奇=Legend of;烟火=Everyday Life in;"
             "寻宝记=Treasure Hunt in;夜话=Night Talks in;食肆=The Diner of;"
             "探案录=Detectives of"),
    )),
    (0.28, "{0}{1}的{2}", "{0} {1}'s {2}", (
        SURNAMES,
        tuple(
            (a + b, (pa + pb).capitalize())
            for a, pa in GIVEN_NAMES[:30]
            for b, pb in GIVEN_NAMES[30:]
        ),
        bank("逆袭人生=Comeback;开挂人生=Unstoppable Life;幸福生活=Happy Life;"
             "复仇计划=Revenge Plan;重生日记=Rebirth Diary;翻身之路=Way Up;"
             "锦绣前程=Bright Future;甜蜜婚约=Sweet Engagement;小食堂=Canteen;新生活=New Life"),
    )),
)  # fmt: skip
# Suffixes for repeated titles: 之二, 之三, ...
CN_ORDINALS = "二三四五六七八九十"

# Expert comments by band of the mean score: below 5, 5 to 7.5, 7.5 and above.
REVIEW_COMMENTS = (
    ("情节拼凑，逻辑漏洞较多。", "制作粗糙，表演生硬。", "价值导向有待商榷，建议修改。",
     "题材同质化严重，缺乏新意。"),
    ("故事完整，但部分情节略显套路。", "制作中规中矩，节奏前松后紧。",
     "人物动机交代不够充分，整体尚可。", "有一定创新，细节仍需打磨。"),
    ("节奏紧凑，反转自然，制作精良。", "价值导向积极，人物塑造立体。",
     "题材新颖，表演自然，值得推荐。", "镜头语言讲究，情感表达真挚。"),
)  # fmt: skip
# Small dimension-specific offsets of expert scores (values, artistry, production, innovation).
REVIEW_DIMENSIONS = (("values", 0.3), ("artistry", 0.0), ("production", -0.2), ("innovation", -0.5))
