"""Word lists the name recognisers generalise from (never lists of particular people).

* Chinese surnames: the common single-character surnames of the 百家姓 and
  later usage, plus the compound ones (欧阳, 司马, 诸葛 ...). Characters that
  are far more often ordinary words than surnames (和, 都, 能, 家, 国 ...)
  are left out: a miss there costs less than redacting every 家里.
* Titles that follow a surname (总, 工, 经理, 老师, 先生 ...).
* Latin given names: the first-name lists of every locale of the Faker
  package (about 20,000 names from 80+ locales), loaded once on first use;
  minus given names that are everyday English words (Will, May, Grace ...),
  which count only next to a surname or in a strong context.
* Common Chinese words: jieba's dictionary, used to veto a "surname + title"
  or "surname + given name" guess that is really an ordinary word
  (施工, 小时, 方案).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
from functools import cache
from pathlib import Path

_SINGLE_SURNAMES = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏窦章苏潘葛"
    "奚范彭郎鲁韦昌马苗凤方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于傅皮卞齐康伍"
    "余卜顾孟黄穆萧尹姚邵湛汪祁毛禹狄米贝臧伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾"
    "路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万柯昝管卢莫房裘缪解应宗丁宣贲邓郁单杭"
    "洪包左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊惠甄曲封芮羿储靳汲邴糜松井段富巫焦巴牧隗谷车侯宓蓬"
    "仲伊宫宁仇栾暴甘厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰鄂咸籍赖卓蔺屠蒙池乔"
    "阴胥翟谭贡劳逄姬申扶堵冉宰郦雍璩桑桂濮牛寿扈燕冀郏浦尚农温庄晏柴瞿阎慕茹习宦艾向古"
    "易戈廖庾暨衡耿弘匡寇禄阙欧殳沃蔚夔隆巩厍聂晁勾敖融冷訾辛阚饶曾毋乜鞠巢关蒯荆游竺逯桓"
    "闫覃付邝冼谌麦揭佘粟岳帅缑亢况佟仝楚兰代牟卿战修雒初铁尉占芦檀邸蹇植禤谯笪衣栗漆敬朴"
)
SINGLE_SURNAMES: frozenset[str] = frozenset(_SINGLE_SURNAMES)

COMPOUND_SURNAMES: tuple[str, ...] = (
    "欧阳", "司马", "上官", "诸葛", "夏侯", "东方", "皇甫", "尉迟", "公孙", "令狐", "慕容",
    "司徒", "司空", "宇文", "长孙", "轩辕", "端木", "南宫", "西门", "独孤", "百里", "呼延",
    "钟离", "申屠", "澹台", "公羊", "淳于", "万俟", "闻人", "赫连", "濮阳", "拓跋", "第五",
)  # fmt: skip

_surname_alternatives = "|".join(COMPOUND_SURNAMES) + "|[" + _SINGLE_SURNAMES + "]"
#: A regex fragment matching one surname (compound first).
SURNAME = f"(?:{_surname_alternatives})"
SURNAME_CLASS = "[" + _SINGLE_SURNAMES + "]"

#: Titles after a surname, longest first so 总经理 wins over 总.
TITLES: tuple[str, ...] = tuple(
    sorted(
        (
            "总", "工", "董", "经理", "主任", "总监", "老师", "医生", "先生", "女士", "小姐",
            "师傅", "院长", "行长", "场长", "副总", "厂长", "局长", "处长", "科长", "部长",
            "主管", "律师", "教授", "博士", "书记", "所长", "站长", "校长", "总裁", "会计",
            "秘书", "护士", "大夫", "总经理", "董事长", "副总经理", "总工", "组长", "队长",
            "警官", "老板", "阿姨", "姐", "哥", "叔", "工程师", "专员", "助理", "顾问",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
TITLE = "(?:" + "|".join(TITLES) + ")"

#: After a one-character title, these continue an ordinary word (车工业, 方总部).
TITLE_WORD_CONTINUATIONS: dict[str, str] = {
    "工": "业作程厂人具艺资期序商会地位种况单装时信控友区科",
    "总": "结计体部量数共额线和价包局署站台院厂行成账值分是算之会",
    "董": "事",
    "姐": "妹夫",
    "哥": "们",
    "叔": "叔",
}

#: Speaker labels that name a role, not a person.
ROLE_LABELS: frozenset[str] = frozenset(
    {
        "客户", "顾客", "用户", "销售", "客服", "坐席", "座席", "主持人", "主持", "记录人", "系统",
        "机器人", "助手", "买家", "卖家", "商家", "对方", "本人", "司机", "工程师", "技术",
        "customer", "client", "user", "caller", "agent", "sales", "support", "host",
        "moderator", "interviewer", "interviewee", "speaker", "operator", "bot", "assistant",
        "system", "rep", "representative", "advisor", "adviser", "admin", "guest",
        "participant", "unknown", "narrator", "q", "a", "note", "me", "you", "vendor", "buyer",
        "seller", "team", "staff", "support team", "virtual assistant", "chatbot",
    }
)  # fmt: skip

#: Words in a speaker's title or organisation that mark a bot or service persona.
BOT_MARKERS = re.compile(
    r"virtual assistant|assistant|chat ?bot|\bbot\b|\bAI\b|机器人|智能客服|智能助手|小助手|虚拟",
    re.IGNORECASE,
)

#: Capitalised words that make a "First Last" pair an organisation or place.
ORG_WORDS: frozenset[str] = frozenset(
    """Street St Road Rd Avenue Ave Lane Drive Park Bay Hall Tower House Centre Center Station
    Airport University College School Academy Institute Hospital Clinic Pharmacy Pharmacies
    Bank Group Partners Partner Systems Solutions Technologies Technology Labs Lab Cloud Pay
    Core Hub Inc Ltd LLC LLP Corp Corporation Company Co Holdings Capital Energy Power Foods
    Falls Valley Hills Heights Springs Beach Island City County State Region Gate Pro
    Plus Max Mini Live Suite Services Service Support Health Care Medical Fibre
    Fiber Storage Logistics Cargo Insurance Underwriters Diagnostics Vision Analytics
    Software Networks Network Media Studio Studios Consulting Ventures Foundation Trust
    Council Department Office Board Market Markets Mall Plaza Square Gardens Court Building
    Estate Industrial Business Manager Director Officer Engineer Lead Head Team Desk Line
    Portal App Platform Suite Edition Series Model Version Beta Release Module Add-on Tier
    Plan Credit Union Veterinary Partners Payroll Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday January February March April June July August September October November
    December Airlines Air Motors Auto Bridge Connector Manager Mobile Phone Express Direct
    Global International National Regional Community Components Aero Aerospace Biosystems
    Industries Dynamics Robotics Motors Pharma Sciences Biosciences Therapeutics Instruments
    Electronics Devices Materials Chemicals Metals Engineering Construction Properties
    Realty Resorts Hotels Hotel Restaurant Kitchen Farms Outfitters Supplies Supply Trading
    Imports Exports Partnership Associates Brothers Sons""".split()  # noqa: SIM905
)

#: Endings of capitalised words that name organisations (Biosystems, Fieldworks, Datatech).
ORG_SUFFIX = re.compile(
    r"(?:systems|tech|technologies|soft|works|labs|ware|tronics|pharma|matics|metrics|"
    r"analytics|dynamics|robotics|logistics|sciences|solutions|networks|media|foods|motors|"
    r"energy|capital|partners|group|holdings|industries|ventures|studios|components)$",
    re.IGNORECASE,
)

#: Characters that never occur in a Chinese given name (function words, units).
NOT_IN_GIVEN_NAMES = frozenset(
    "的了是在和与或及中上下请要也就都很把被让给对向从到这那们么吗呢吧啊着过个为以而且但如果因所有无不没其此等年月日号时分秒元里边您你我他她它咱"
)

#: Given names that are also everyday English words, or month and day names.
COMMON_WORD_NAMES: frozenset[str] = frozenset(
    """Will May June April August Grace Mark Max Rich Bill Hope Joy Faith Dawn Rose Amber
    Crystal Pearl Summer Autumn Winter Chase Hunter Page Miles Guy Jack Frank Ray Art Sky
    Star Lane Reed Grant Price Case Bay Cliff Dean Earl Gene Glen Major Marshall Mason
    Carter Cook Baker Young King Sterling Royal Prince Duke Baron Rock Stone River Brook
    Forest Sunny Honey Candy Cherry Holly Ivy Iris Lily Daisy Poppy Violet Olive Hazel Jade
    Ginger Misty Storm Rain Cloud Sage Berry Penny Buddy Chip Buck Colt Drake Fox Hawk Robin
    Wolf Bear Bird Swan Wren Lark Dove Crane Heron Lucky Precious Blessing Gift Comfort
    Patience Prosper Goodness Favour Mercy Justice Innocent Charity Memory Promise Peace
    Love Wisdom Trust Honour Victory Success Glory Unity Prudence Constance Verity Felicity
    Serenity Harmony Destiny Journey Legend Maverick Ace Blaze Cash Ever Haven Kind Noble
    True Vale Sierra Paris London Sydney Victoria Georgia Jordan Austin Dallas Phoenix
    Florence Chelsea Savannah Brooklyn Lincoln Ford Mercedes Don Van Long Man Son Can Do Go
    So Else Hall Sun Moon Bright Gay Happy Sonny Pat Sandy Rusty Dusty Kit Nick Pip Bo Em Al
    Ed Jan Mar Jun Sol Ash Rowan Bishop Porter Parker Cooper Tanner Taylor Fisher Hunter
    Archer Sawyer Spencer Walker Wells Rivers Banks Brooks Fields Woods Field Wood Hill Dale
    North South East West Christian Chance Early Golden Silver Ocean Lake Wade Bud Dash Echo
    Ember Fern Glory Ivory Jewel Liberty Marina Meadow Nova Onyx Raven Ridge Scout
    Shadow Sparrow Spring Tiger Topaz Trinity Zen Happy Easter Noel Christmas Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March July September October
    November December Lloyd Wiley Kelvin Watt Ohm Tesla Amazon Apple Dell Harley Tone Add
    Basic Best Bond Brand Buy Call Camp Card Cart Check Chief Class Clear Close Coach Cole
    Content Cover Cross Cut Date Deal Desk Draft Early Edge Fair Fast File Fine Finish Fit
    Flash Focus Free Fresh Front Gain Hack Head Help High Home Honor Ideal Island Key Land
    Last Law Level Light Link List Little Lord Low Lux Main Mass Master Match Merit Mint
    Mode Monday Much Nice Note Open Order Pace Park Pass Path Peak Pilot Pine Plain Plenty
    Point Post Prime Quest Quick Rank Ready Real Rest Ring Road Roman Rule Rush Safe Salt
    Saint Score Seal Sharp Shore Short Sign Small Smart Snow Solo Spark Speed Spirit Stark
    Steel Step Still Story Strong Style Sweet Swift Team Terry Test Thor Time Top Total
    Tower Track Trade Trip Trust Union Unique Urban Valor View Vita Wall Ward West White
    Wild Wise Worth Yard Young Zone""".split()  # noqa: SIM905
)

#: Honorifics before a Latin surname.
HONORIFICS = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam|Mme|Mlle|Herr|Frau)"


@cache
def latin_given_names() -> frozenset[str]:
    """Latin-script given names from every locale Faker ships, minus everyday words."""
    import faker.providers.person as person_providers

    latin = re.compile(r"^[A-Z\u00c0-\u00de][a-z\u00df-\u00ff\u0100-\u017f'’-]+$")
    names: set[str] = set()
    for module_info in pkgutil.iter_modules(person_providers.__path__):
        module = importlib.import_module(f"{person_providers.__name__}.{module_info.name}")
        provider = getattr(module, "Provider", None)
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            value = vars(provider).get(attribute) if provider else None
            if isinstance(value, list | tuple | dict):
                names.update(name for name in value if len(name) >= 3 and latin.match(name))
    return frozenset(names - COMMON_WORD_NAMES)


@cache
def common_english_words() -> frozenset[str]:
    """About a thousand everyday English words (Faker's en_US lorem list), capitalised.

    A capitalised everyday word ("Please Thorsen", "Mount Everest") is not a given name,
    so it vetoes the surname-anchored pair rule of :mod:`.names_en`.
    """
    from faker.providers.lorem.en_US import Provider

    return frozenset(word.capitalize() for word in Provider.word_list)


@cache
def latin_surnames() -> frozenset[str]:
    """Latin-script surnames from every locale Faker ships."""
    import faker.providers.person as person_providers

    latin = re.compile(r"^[A-Z\u00c0-\u00de][a-z\u00df-\u00ff\u0100-\u017f'’-]+$")
    names: set[str] = set()
    for module_info in pkgutil.iter_modules(person_providers.__path__):
        module = importlib.import_module(f"{person_providers.__name__}.{module_info.name}")
        provider = getattr(module, "Provider", None)
        value = vars(provider).get("last_names") if provider else None
        if isinstance(value, list | tuple | dict):
            names.update(name for name in value if len(name) >= 2 and latin.match(name))
    return frozenset(names - ORG_WORDS)


_NAME_TAGS = ("nr", "nrf", "nrfg", "nrt")


@cache
def _jieba_words() -> dict[str, tuple[int, str]]:
    """jieba's dictionary entries of 2-4 characters that could collide with a name guess."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            "jieba is a dependency of semcrm; reinstall with pip install -e ."
        )
    path = Path(spec.origin).with_name("dict.txt")
    words: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and 2 <= len(parts[0]) <= 4:
                words[parts[0]] = (int(parts[1]), parts[2])
    return words


def word_entry(text: str) -> tuple[int, str] | None:
    """jieba's ``(frequency, tag)`` for a 2-4 character word, or None."""
    return _jieba_words().get(text)


def is_common_word(text: str, min_freq: int = 3) -> bool:
    """True when jieba knows ``text`` as an ordinary word (not a person name)."""
    entry = _jieba_words().get(text)
    if entry is None:
        return False
    freq, tag = entry
    if tag.startswith(_NAME_TAGS):
        return freq >= 200
    return freq >= min_freq


def is_name_word(text: str) -> bool:
    """True when jieba's dictionary lists ``text`` as a person name (司马相如, 诸葛亮)."""
    entry = _jieba_words().get(text)
    return entry is not None and entry[1].startswith(_NAME_TAGS)


def is_frequent_word(text: str, min_freq: int = 100) -> bool:
    """True when ``text`` is a frequent ordinary word (used for a given-name part)."""
    entry = _jieba_words().get(text)
    if entry is None:
        return False
    freq, tag = entry
    return freq >= min_freq and not tag.startswith(_NAME_TAGS) and tag not in ("nz", "ns", "nt")
