"""The made-up demo district 示范区: its streets (街道), roads and landmarks.

Fictional; the administrative code has the GB/T 2260 shape but names no real district.
"""

from __future__ import annotations

from dataclasses import dataclass

DISTRICT_NAME = "示范区"
DISTRICT_ADMIN_CODE = "370199"  # 6 digits: province, city, district (a district number nobody uses)
CENTRE = (118.7830, 32.0415)  # lon, lat (WGS84) of the district's centre
CORNERS = ("东北角", "西南角", "东南角", "西北角")


@dataclass(frozen=True)
class Landmark:
    name: str
    tag: str
    spots: tuple[str, ...]  # where on the landmark the cameras look


@dataclass(frozen=True)
class Street:
    id: str
    name: str
    roads: tuple[str, str, str]
    landmarks: tuple[Landmark, ...]
    communities: tuple[str, ...]  # 社区, numbered 001.. in the unit-grid code


STREETS: tuple[Street, ...] = (
    Street(
        "xinhua",
        "新华街道",
        ("新华路", "建设路", "文化路"),
        (
            Landmark("新华菜市场", "市场", ("北门", "南门", "东侧通道")),
            Landmark("文化广场", "广场", ("南入口", "中心舞台")),
            Landmark("新华书店", "商业", ("门前",)),
            Landmark("建设小区", "小区", ("东门", "垃圾分类点")),
        ),
        ("新华社区", "建设社区", "文化社区"),
    ),
    Street(
        "jiefang",
        "解放街道",
        ("解放路", "胜利街", "和平路"),
        (
            Landmark("第二中学", "学校", ("门前", "东侧围墙")),
            Landmark("胜利商场", "商业", ("正门", "后街卸货区")),
            Landmark("解放桥", "桥梁", ("桥北头", "桥南头")),
            Landmark("和平社区卫生服务中心", "医院", ("门前",)),
        ),
        ("解放社区", "胜利社区", "和平社区"),
    ),
    Street(
        "renmin",
        "人民路街道",
        ("人民路", "中山路", "青年路"),
        (
            Landmark("人民广场", "广场", ("北入口", "南入口", "喷泉")),
            Landmark("中山路步行街", "商业", ("东口", "西口")),
            Landmark("青年公园", "公园", ("正门",)),
            Landmark("区政务服务中心", "机关", ("门前",)),
        ),
        ("人民社区", "中山社区", "青年社区"),
    ),
    Street(
        "binhe",
        "滨河街道",
        ("滨河路", "长江路", "河堤路"),
        (
            Landmark("滨河公园", "公园", ("南入口", "北入口", "亲水平台")),
            Landmark("滨河夜市", "市场", ("东口", "西口")),
            Landmark("长江路桥", "桥梁", ("桥头",)),
            Landmark("滨河花园小区", "小区", ("北门",)),
        ),
        ("滨河社区", "长江社区", "河堤社区"),
    ),
    Street(
        "dongcheng",
        "东城街道",
        ("东环路", "朝阳路", "工业路"),
        (
            Landmark("东城农贸市场", "市场", ("正门", "西侧摊位区")),
            Landmark("长途汽车站", "交通", ("出站口", "广场")),
            Landmark("第一人民医院", "医院", ("急诊入口", "门前")),
            Landmark("东城工业园", "园区", ("大门",)),
        ),
        ("东环社区", "朝阳社区", "工业社区"),
    ),
    Street(
        "xiguan",
        "西关街道",
        ("西关大街", "光明路", "古城路"),
        (
            Landmark("西关老街", "商业", ("牌坊", "中段")),
            Landmark("光明小学", "学校", ("门前",)),
            Landmark("古城墙遗址公园", "公园", ("东入口", "西入口")),
            Landmark("西关小区", "小区", ("南门",)),
        ),
        ("西关社区", "光明社区", "古城社区"),
    ),
    Street(
        "nanhu",
        "南湖街道",
        ("南湖路", "学府路", "科技路"),
        (
            Landmark("南湖公园", "公园", ("北门", "湖心桥")),
            Landmark("学府路美食街", "商业", ("北口", "南口")),
            Landmark("南湖地铁站", "交通", ("A出口", "B出口")),
            Landmark("科技园", "园区", ("正门",)),
        ),
        ("南湖社区", "学府社区", "科技社区"),
    ),
)
