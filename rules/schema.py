"""The mine-profile contract (docs/profile.md, generated from this table by `minekb rules doc`) as data.

One ``FieldSpec`` per profile field: its kind, its closed vocabulary or range,
and its labels. The rules engine type-checks rule conditions against it at
load time; the advisor validates profiles with it; the web form is drawn
from it. Changing the contract means changing only this table.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str                      # "str" | "enum" | "list" | "bool" | "number"
    label_zh: str
    label_en: str
    values: tuple[str, ...] = ()   # closed vocabulary for enum and list fields
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    required: bool = False
    value_labels_zh: dict[str, str] = field(default_factory=dict)


def _f(name, kind, zh, en, values=(), labels=None, **kw) -> FieldSpec:
    values = tuple(values)
    labels = dict(zip(values, labels)) if labels else {}
    return FieldSpec(name, kind, zh, en, values, value_labels_zh=labels, **kw)


MINERALS = ("coal", "rare_earth", "limestone", "granite", "construction_stone", "sand_gravel", "clay",
            "gold", "iron", "copper", "lead_zinc", "tungsten", "fluorite", "oil_shale", "gypsum",
            "other_metal", "other_nonmetal")
MINERAL_ZH = ("煤", "稀土", "石灰岩", "花岗岩", "建筑石料", "砂石", "黏土", "金", "铁", "铜", "铅锌", "钨",
              "萤石", "油页岩", "石膏", "其他金属", "其他非金属")

def _utilization_models() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The utilization-model ids and Chinese labels of the ontology (``ontology/concepts/advice.ttl``), read
    from the Turtle text so that a model a researcher adds there is accepted in ``intended_uses`` at once."""
    import re
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "ontology" / "concepts" / "advice.ttl"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return (), ()
    ids, labels = [], []
    for block in re.split(r"\n(?=mk:)", text):
        head = re.match(r"mk:([A-Za-z0-9_]+)\s+a\s+skos:Concept", block)
        if head and re.search(r"skos:inScheme\s+mk:UtilizationModels\b", block):
            label = re.search(r'skos:prefLabel\s+"([^"]+)"@zh', block)
            ids.append(head.group(1))
            labels.append(label.group(1) if label else head.group(1))
    return tuple(ids), tuple(labels)


UTILIZATION_MODELS, UTILIZATION_MODELS_ZH = _utilization_models()

PROFILE_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    _f("id", "str", "矿山编号", "Mine id", required=True),
    _f("name", "str", "矿山名称", "Mine name"),
    _f("province", "str", "省级行政区", "Province"),
    _f("city", "str", "市", "City"),
    _f("county", "str", "县(区)", "County"),
    _f("mineral", "enum", "矿种", "Mineral", MINERALS, MINERAL_ZH),
    _f("mining_method", "enum", "开采方式", "Mining method",
       ("open_pit", "underground", "in_situ_leaching", "mixed"), ("露天", "井工·硐采", "原地浸矿", "混合")),
    _f("status", "enum", "矿山状态", "Status",
       ("historical_abandoned", "policy_closed", "closed", "producing"), ("历史遗留废弃", "政策性关闭", "关停", "生产")),
    _f("responsible_party", "enum", "责任主体", "Responsible party",
       ("mining_right_holder", "none", "government"), ("采矿权人明确", "无责任主体或权属不明", "政府")),
    _f("had_mining_license", "bool", "曾有采矿许可证", "Had a mining licence"),
    _f("area_ha", "number", "面积(公顷)", "Area (ha)", minimum=0, exclusive_minimum=True, maximum=100_000),
    _f("land_ownership", "enum", "土地所有权", "Land ownership", ("state", "collective"), ("国有", "集体")),
    _f("current_land_use", "enum", "现状地类", "Current land use",
       ("mining_land", "construction_land", "cultivated", "forest", "grassland", "water", "unused"),
       ("采矿用地", "建设用地", "耕地", "林地", "草地", "水域", "未利用地")),
    _f("planned_land_use", "enum", "规划用途", "Planned land use",
       ("construction", "agricultural", "cultivated", "forest_grass", "ecological_mixed", "strategic_reserve", "water"),
       ("建设用地", "农用地", "耕地", "林草地", "生态混合用地", "战略留白", "水域")),
    _f("control_zones", "list", "所在管控区", "Control zones",
       ("ecological_redline", "nature_reserve_core", "nature_reserve", "permanent_basic_farmland",
        "urban_development_boundary", "scenic_area"),
       ("生态保护红线", "自然保护区核心保护区", "自然保护区", "永久基本农田", "城镇开发边界", "风景名胜区")),
    _f("sensitive_nearby", "list", "周边三区两线", "Sensitive areas nearby",
       ("nature_protected_area", "important_landscape_area", "residential_area", "major_traffic_line", "river_lake"),
       ("自然保护地", "重要景观区", "居民集中生活区", "重要交通干线", "河流湖泊")),
    _f("visible_from_traffic_or_scenic", "bool", "交通干线或景区视域内可见", "Visible from main roads or scenic areas"),
    _f("terrain", "list", "地形地貌", "Terrain",
       ("high_steep_slope", "bare_rock_wall", "open_pit", "flat_platform", "goaf_subsidence", "waste_dump",
        "tailings", "adit_tunnel"),
       ("高陡边坡", "裸露岩壁", "露天矿坑", "平台", "采空塌陷", "废石堆", "尾矿", "矿洞巷道")),
    _f("hazards", "list", "地质灾害隐患", "Geological hazards",
       ("collapse", "landslide", "debris_flow", "subsidence", "ground_fissure"),
       ("崩塌", "滑坡", "泥石流", "地面塌陷", "地裂缝")),
    _f("hazard_threatens_people", "bool", "隐患有直接威胁对象", "Hazard threatens people"),
    _f("pollution", "list", "污染", "Pollution",
       ("soil_heavy_metal", "soil_acidification", "leaching_residue", "water", "dust"),
       ("土壤重金属", "土壤酸化", "浸矿残留", "水污染", "扬尘")),
    _f("vegetation_cover_pct", "number", "植被覆盖率(%)", "Vegetation cover (%)", minimum=0, maximum=100),
    _f("natural_recovery_conditions", "enum", "自然恢复条件", "Natural recovery conditions",
       ("good", "fair", "poor"), ("良好", "一般", "较差")),
    _f("location_zone", "enum", "区位", "Location",
       ("urban", "suburban", "rural", "remote_mountain"), ("城区", "市郊", "乡村", "深山区")),
    _f("distance_to_city_km", "number", "距城区距离(km)", "Distance to city (km)", minimum=0, maximum=5_000),
    _f("road_access", "enum", "道路通达度", "Road access", ("good", "fair", "poor"), ("良好", "一般", "较差")),
    _f("waste_rock_m3", "number", "可利用废石土石料(m³)", "Usable waste rock (m³)", minimum=0, maximum=1e10),
    _f("water_accumulated", "bool", "矿坑积水", "Water in the pit"),
    _f("heritage", "list", "遗产资源", "Heritage",
       ("industrial_heritage", "geological_relic", "red_culture", "historic_culture"),
       ("工业遗产", "地质遗迹", "红色文化", "历史文化")),
    _f("landscape_value", "enum", "景观价值", "Landscape value", ("high", "medium", "low"), ("高", "中", "低")),
    _f("reclaimable_to_cultivated", "bool", "具备复垦为耕地条件", "Reclaimable to cultivated land"),
    _f("public_support", "enum", "公众意愿", "Public support", ("high", "medium", "low"), ("高", "中", "低")),
    _f("intended_uses", "list", "拟利用方向", "Intended uses", UTILIZATION_MODELS, UTILIZATION_MODELS_ZH),
]}

# Provincial-level divisions: short name -> (full name, English, code).
PROVINCES: dict[str, tuple[str, str, str]] = {
    "北京": ("北京市", "Beijing", "BJ"), "天津": ("天津市", "Tianjin", "TJ"), "河北": ("河北省", "Hebei", "HE"),
    "山西": ("山西省", "Shanxi", "SX"), "内蒙古": ("内蒙古自治区", "Inner Mongolia", "NM"),
    "辽宁": ("辽宁省", "Liaoning", "LN"), "吉林": ("吉林省", "Jilin", "JL"), "黑龙江": ("黑龙江省", "Heilongjiang", "HL"),
    "上海": ("上海市", "Shanghai", "SH"), "江苏": ("江苏省", "Jiangsu", "JS"), "浙江": ("浙江省", "Zhejiang", "ZJ"),
    "安徽": ("安徽省", "Anhui", "AH"), "福建": ("福建省", "Fujian", "FJ"), "江西": ("江西省", "Jiangxi", "JX"),
    "山东": ("山东省", "Shandong", "SD"), "河南": ("河南省", "Henan", "HA"), "湖北": ("湖北省", "Hubei", "HB"),
    "湖南": ("湖南省", "Hunan", "HN"), "广东": ("广东省", "Guangdong", "GD"),
    "广西": ("广西壮族自治区", "Guangxi", "GX"), "海南": ("海南省", "Hainan", "HI"), "重庆": ("重庆市", "Chongqing", "CQ"),
    "四川": ("四川省", "Sichuan", "SC"), "贵州": ("贵州省", "Guizhou", "GZ"), "云南": ("云南省", "Yunnan", "YN"),
    "西藏": ("西藏自治区", "Tibet", "XZ"), "陕西": ("陕西省", "Shaanxi", "SN"), "甘肃": ("甘肃省", "Gansu", "GS"),
    "青海": ("青海省", "Qinghai", "QH"), "宁夏": ("宁夏回族自治区", "Ningxia", "NX"),
    "新疆": ("新疆维吾尔自治区", "Xinjiang", "XJ"), "台湾": ("台湾省", "Taiwan", "TW"),
    "香港": ("香港特别行政区", "Hong Kong", "HK"), "澳门": ("澳门特别行政区", "Macao", "MO"),
}
_PROVINCE_ALIASES: dict[str, str] = {}
for _short, (_full, _en, _code) in PROVINCES.items():
    for _alias in (_short, _full, _en, _code, _en.replace(" ", "")):
        _PROVINCE_ALIASES[_alias.lower()] = _short
_PROVINCE_ALIASES.update({"inner mongolia autonomous region": "内蒙古", "nei mongol": "内蒙古", "macau": "澳门",
                          "guangxi zhuang autonomous region": "广西", "xizang": "西藏"})


def normalize_province(value: str) -> str | None:
    """``江西`` / ``江西省`` / ``Jiangxi`` / ``JX`` -> ``江西``; None if not a provincial-level division."""
    key = value.strip().lower()
    if key in _PROVINCE_ALIASES:
        return _PROVINCE_ALIASES[key]
    for suffix in ("province", "municipality", "shi", "sheng"):
        if key.endswith(suffix) and key[: -len(suffix)].strip() in _PROVINCE_ALIASES:
            return _PROVINCE_ALIASES[key[: -len(suffix)].strip()]
    return None
