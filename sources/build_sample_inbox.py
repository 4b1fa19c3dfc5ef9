"""Build the bundled sample inbox: the five departments' 2023 annual submissions.

Source: the Xinyu Daily (新渝报) article 《加快构建“246”先进制造业集群体系》, in which the heads
of five Dazu departments report 2023 results and 2024 targets (/work/shared/seeds/000_*.txt;
"镗盐" there is an OCR slip for 锶盐). Every quantitative statement of the article is carried
by the submission of the department that made it, filled in the submission template
(/work/shared/contract/submission-template.md) the way that department's clerk would:
varied file names, title rows, column orders, dates, numbers as numbers or as text,
qualifiers (270余, 超过80%, 1—2, 210以上 …) typed into 数值.

The 集群产值 sheet of 经信委's workbook is sample data (示例数据, not a public statistic):
the 12 clusters of the 246 system plus 其他, summing exactly to the district total 411.9亿元
inferred from 双桥经开区 227.8亿元 = 55.3% of the district.

Deterministic: running it twice gives byte-identical files (fixed workbook timestamps,
fixed zip entry times). Run from anywhere:

    .venv/bin/python sources/build_sample_inbox.py [--out DIR]

The expected facts, transcribed independently from the article, are in
tests/fixtures/seed_facts.csv.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "inbox"

# Fixed timestamps so that the bytes (and so the sha256 the pipeline keys on) never change.
FIXED_DOC_TIME = dt.datetime(2024, 1, 15, 9, 0, 0)
FIXED_ZIP_TIME = (2024, 1, 15, 9, 0, 0)

REPORT_PERIOD = "2023年"
TARGET_PERIOD = "2024年"
SAMPLE_NOTE = "示例数据（非公开统计）"

STANDARD_COLUMNS = [
    "序号",
    "指标名称",
    "统计范围",
    "产业集群",
    "期间",
    "数据类型",
    "目标要求",
    "数值",
    "单位",
    "比较基期",
    "说明",
]


@dataclass(frozen=True)
class Row:
    """One line of the 指标 sheet, as the clerk means it."""

    name: str  # 指标名称
    scope: str  # 统计范围
    value: object  # 数值: int/float stored as a number, str stored as text
    unit: str  # 单位 ("" for 1/3)
    kind: str = "实绩"  # 数据类型
    period: str = ""  # 期间 (blank = the cover's 报告期)
    requirement: str = ""  # 目标要求
    cluster: str = ""  # 产业集群
    base_period: str = ""  # 比较基期
    note: str = ""  # 说明
    percent_cell: bool = False  # typed into a cell formatted as percent (value is the fraction)


def actual(name, scope, value, unit, **kw) -> Row:
    return Row(name, scope, value, unit, kind="实绩", **kw)


def target(name, scope, value, unit, requirement="", **kw) -> Row:
    return Row(name, scope, value, unit, kind="目标", period=TARGET_PERIOD, requirement=requirement, **kw)


def reference(name, scope, value, unit, **kw) -> Row:
    return Row(name, scope, value, unit, kind="参照", **kw)


# ---------------------------------------------------------------------------------------------
# 区经济信息委 (经信委): 晏大利's section.
# ---------------------------------------------------------------------------------------------
ECON_SCOPE = "全区"
ECON_ROWS = [
    # 优存量
    actual("实施智能化改造企业数", ECON_SCOPE, "270余", "家", note="引导原有企业实施智能化改造"),
    actual("建成智能工厂", ECON_SCOPE, 1, "个"),
    actual("数字化车间", ECON_SCOPE, 16, "个", note="原文“建成数字化车间16个”"),
    actual("“两化融合”贯标企业", ECON_SCOPE, 52, "家"),
    actual("企业数字化研发设计普及率", ECON_SCOPE, "超过80%", "%"),
    actual("新增市级专精特新企业", ECON_SCOPE, 24, "家"),
    actual("新增国家专精特新“小巨人”企业", ECON_SCOPE, 1, "家"),
    actual("建成国家级绿色园区", ECON_SCOPE, 1, "个"),
    actual("建成国家级绿色工厂", ECON_SCOPE, 4, "家"),
    actual(
        "入选工信部智能制造优秀场景企业数",
        ECON_SCOPE,
        2,
        "家",
        note="宇海、双钱2家企业入选工信部2023年度智能制造优秀场景",
    ),
    actual("入选5G工厂名录", ECON_SCOPE, 1, "家", note="盛泰光电入选工信部2023年5G工厂名录"),
    # 育新量
    actual(
        "签约5000万元以上工业项目",
        ECON_SCOPE,
        159,
        "个",
        note="仅统计5000万元以上工业项目；含绿源新能源摩托车、丹斯克新材料、亚星锚链等",
    ),
    actual("正式合同额", ECON_SCOPE, "超过623", "亿元", note="上述159个签约工业项目的正式合同额"),
    actual("开工建设重点工业项目", ECON_SCOPE, 108, "个", note="含江西环视、九天工业传感器等"),
    actual("工业投资增长", ECON_SCOPE, 0.314, "%", percent_cell=True),
    actual("工业投资占固定资产投资比重", ECON_SCOPE, 44.7, "%"),
    actual("工业投资增速全市排位", ECON_SCOPE, 6, "位", note="增速列全市第6位"),
    actual(
        "规上工业总产值增长",
        ECON_SCOPE,
        7.4,
        "%",
        note="引导企业开发全国首台无人驾驶换电矿卡、新能源全功能冷藏车等新产品",
    ),
    actual("规上工业总产值增速较全市高", ECON_SCOPE, 4.1, "个百分点", note="较全市增速高4.1个百分点"),
    reference("规上工业总产值增长", "全市", 3.3, "%", note="由大足增速7.4%与高4.1个百分点推算"),
    actual("规上工业企业营业利润增长", ECON_SCOPE, 43.1, "%"),
    actual("工业实缴税金增长", ECON_SCOPE, 77.1, "%"),
    actual("规上工业总产值", ECON_SCOPE, "约411.9", "亿元", note="据双桥经开区227.8亿元占全区55.3%推算"),
    # 提质效
    actual("供应工业用地", ECON_SCOPE, 1800, "亩", note="全年"),
    actual("盘活闲置用地", ECON_SCOPE, 153, "亩"),
    actual("盘活闲置厂房", ECON_SCOPE, 10.1, "万平方米", note="原文“盘活闲置用地153亩，厂房10.1万平方米”"),
    actual("新建园区道路", ECON_SCOPE, 15.5, "公里"),
    actual("铺设综合管网", ECON_SCOPE, 48.4, "公里"),
    actual("铺设电缆", ECON_SCOPE, 31, "公里"),
    actual("引导支持企业新建厂房", ECON_SCOPE, 113.1, "万平方米"),
    # 2024年目标: 企业梯次培育工程
    target("新增规模以上工业企业", ECON_SCOPE, 36, "家", "确保"),
    target("专精特新企业", ECON_SCOPE, 112, "家", "确保", note="达到112家"),
    target("专精特新“小巨人”企业", ECON_SCOPE, 8, "家", "确保", note="达到8家"),
    target("年营业收入10亿元以上企业", ECON_SCOPE, 6, "家", "确保", note="培育"),
    target("年营业收入50亿元以上企业", ECON_SCOPE, 2, "家", "确保", note="培育"),
    # 产业数智赋能工程
    target("“上云”企业数量", ECON_SCOPE, "突破600", "家", "确保"),
    target("数字化车间数量", ECON_SCOPE, 20, "个", "确保", note="达到20个"),
    target("数字经济核心产业增加值增长", ECON_SCOPE, "5以上", "%", "确保"),
    # 绿色低碳发展工程
    target("绿色工厂数量", ECON_SCOPE, 13, "家", "确保", note="达到13家"),
    target("大宗工业固废利用率", ECON_SCOPE, "95以上", "%", "确保", note="保持在95%以上"),
    target(
        "规上工业企业单位增加值能耗", ECON_SCOPE, "下降5.2", "%", "确保", base_period="2022年", note="较2022年下降5.2%"
    ),
    # 亩均效益提升工程
    target(
        "亩均税收",
        ECON_SCOPE,
        "不低于10",
        "万元/亩",
        "确保",
        note="作为刚性约束；另推动新增工业项目按“标准地”出让比例超过全市平均水平（无具体数值）",
    ),
    target("制造业规上企业亩均产值增长", ECON_SCOPE, "6以上", "%", "确保"),
    target("制造业规上企业亩均增加值增长", ECON_SCOPE, "6以上", "%", "确保"),
    target("亩均税收增长", ECON_SCOPE, "10以上", "%", "确保"),
]

# 集群产值 sheet of 经信委 (全区, 2023): sample data; the sum is exactly 411.9亿元.
ECON_CLUSTER_OUTPUT = [
    # (产业集群, 规上工业产值 亿元, 同比增长 as typed or None)
    ("智能网联新能源汽车和摩托车及其零部件", 98.6, 9.6),
    ("再生资源及新材料", 72.4, 5.1),
    ("现代五金", 48.3, 6.8),
    ("智能电梯", 26.5, 4.2),
    ("锶盐", 18.7, None),
    ("光电", 35.2, "15.3%"),
    ("集成电路及传感器", 12.1, 21.5),
    ("医药中间体及现代中药", 9.8, None),
    ("新能源及新型储能", 14.6, 18.2),
    ("无人机及航空地面设备", 3.2, None),
    ("机器人", 5.4, None),
    ("食品及酒水饮料", 21.3, 3.5),
    ("其他", 45.8, None),
]

# ---------------------------------------------------------------------------------------------
# 区科技局: 曾建飞's section. CSV in GBK.
# ---------------------------------------------------------------------------------------------
SCI_SCOPE = "大足区"
SCI_ROWS = [
    actual("规上工业企业研发投入累计申报", SCI_SCOPE, "23.51", "亿元"),
    actual("规上工业企业研发投入增长", SCI_SCOPE, "93.35", "%"),
    actual("科技型中小企业新增", SCI_SCOPE, "280", "家", note="全年新增"),
    actual("科技型中小企业增长率", SCI_SCOPE, "22.32", "%", note="为近三年最快增速"),
    actual("高新技术企业申报通过", SCI_SCOPE, "85", "家", note="创历史新高"),
    actual("编制产业技术路线图", SCI_SCOPE, "2", "个", note="五金、新能源摩托车两个产业技术路线图"),
    actual("筛选关键核心技术需求", SCI_SCOPE, "13", "件", note="含盛泰光电红外热成像的测温标定算法开发等"),
    actual("研发投入强度", SCI_SCOPE, "2.43", "%", note="首次超过全市平均水平，提前3年完成既定目标"),
    actual("研发投入强度全市排位提升", SCI_SCOPE, "6", "位", note="全市排位提升6位"),
    actual("研发投入强度全市排名", SCI_SCOPE, "第11", "位", note="列第11位"),
    reference("研发投入强度", "全市", "2.36", "%", note="全市平均水平"),
    actual("科技人才库入库", SCI_SCOPE, "2578", "人", note="依托“足智网”搭建科技人才库"),
    actual("研发从事人员", SCI_SCOPE, "超3000", "人"),
    actual("技术合同成交额", SCI_SCOPE, "5.35", "亿元"),
    actual("技术合同成交额增长", SCI_SCOPE, "93", "%"),
    actual("获得知识价值信用贷企业", SCI_SCOPE, "442", "家"),
    actual("知识价值信用贷", SCI_SCOPE, "7.52", "亿元", note="帮助442家企业获得"),
    actual("引导商业贷款", SCI_SCOPE, "2.78", "亿元"),
    # 2024: "将推动……" — neither 确保 nor 力争.
    target("高新技术企业", SCI_SCOPE, "210以上", "家"),
    target("科技型中小企业", SCI_SCOPE, "1600以上", "家"),
    target("培育工业设计中心", SCI_SCOPE, "10", "个"),
    target("“揭榜挂帅”产业链关键核心技术攻关项目", SCI_SCOPE, "1", "个"),
    target("科技成果登记", SCI_SCOPE, "100", "件"),
    target("科技成果转化", SCI_SCOPE, "10", "项"),
    target("技术合同交易额", SCI_SCOPE, "5以上", "亿元"),
    target("知识价值信用贷款余额", SCI_SCOPE, "1.5以上", "亿元"),
    target("选派技术经纪人", SCI_SCOPE, "3以上", "名"),
    target("选派科技特派员", SCI_SCOPE, "20以上", "名"),
]

# ---------------------------------------------------------------------------------------------
# 双桥经开区经发局: 陈瑜's section. Every number typed as text.
# ---------------------------------------------------------------------------------------------
SQ_SCOPE = "双桥经开区"
SQ_ROWS = [
    actual("规上工业企业产值", SQ_SCOPE, "227.8", "亿元", note="原文“规上工业企业产值累计完成227.8亿元（不含产值）”"),
    actual("规上工业企业产值增长", SQ_SCOPE, "7.3", "%"),
    actual("占大足区规上工业企业累计产值的比重", SQ_SCOPE, "55.3", "%"),
    actual("工业投资完成额", SQ_SCOPE, "4.55", "亿元"),
    actual("工业投资增长", SQ_SCOPE, "32.8", "%"),
    actual("技改投资完成额", SQ_SCOPE, "15.38", "亿元"),
    actual("技改投资增长", SQ_SCOPE, "26", "%"),
    # 2024
    target("国家“小巨人”", SQ_SCOPE, "1", "家", "力争", note="培育国家“小巨人”1家"),
    target("市级专精特新企业", SQ_SCOPE, "5", "家", "力争", note="培育"),
    target("市级工业设计中心", SQ_SCOPE, "1", "家", "力争", note="培育"),
    target("区级设计中心", SQ_SCOPE, "3", "家", "力争", note="培育"),
    target("引进龙头企业", SQ_SCOPE, "1—2", "家", note="着力引进1—2家龙头企业"),
    target("项目可研审批时限", SQ_SCOPE, "5", "工作日", "力争", note="由法定的15个工作日再压缩到5个工作日"),
    reference("项目可研审批时限", SQ_SCOPE, "15", "工作日", note="法定时限"),
    target("新增战略性新兴产业企业", SQ_SCOPE, "4", "家", "力争"),
    target("数字经济核心产业工业企业", SQ_SCOPE, "4", "家", "力争", note="新增"),
]
SQ_COLUMNS = ["指标名称", "数值", "单位", "数据类型", "期间", "目标要求", "统计范围", "产业集群", "比较基期", "说明"]

# ---------------------------------------------------------------------------------------------
# 大足工业园区管委会: 周泰候's section (no quantitative 2024 target in the article).
# ---------------------------------------------------------------------------------------------
IP_SCOPE = "大足工业园区"
IP_ROWS = [
    actual("签约项目", IP_SCOPE, 35, "个"),
    actual("正式合同额", IP_SCOPE, 141, "亿元", note="达到141亿元"),
    actual(
        "当年签约、当年开工、当年投产项目",
        IP_SCOPE,
        3,
        "个",
        note="大足钢材加工配送（成渝）基地、亚星重庆重工、河北合聚重工标准件",
    ),
    actual("新增入库科技型中小企业", IP_SCOPE, 82, "家"),
    actual("科技型企业累计", IP_SCOPE, 617, "家", note="累计达到617家"),
    actual("成功申报专精特新企业", IP_SCOPE, 7, "家", note="含杰利来、凯尔等"),
    actual("成功申报国家高新技术企业", IP_SCOPE, 28, "家"),
    actual("完成智能制造能力成熟度评估", IP_SCOPE, 29, "家", note="制造业企业"),
    actual("认定市级工业设计中心", IP_SCOPE, 1, "家", note="固豪木业"),
    actual("认定数字化车间", IP_SCOPE, 1, "个", note="渝发智能科技认定重庆市数字化车间"),
    actual("认定市级企业技术中心", IP_SCOPE, 1, "家", note="恒洪教学设备"),
    actual("实施重点产业项目", IP_SCOPE, 21, "个"),
    actual("建成投产项目", IP_SCOPE, "8", "个", note="含科思迈电子器件、炬特开关电源等；其余项目按序时进度推进"),
    actual("完成主体建设项目", IP_SCOPE, "6", "个", note="含大朝电脑一体机、九天工业传感器等"),
]

# ---------------------------------------------------------------------------------------------
# 大足高新区管委会: 陈川's section. 期间 written out on every row.
# ---------------------------------------------------------------------------------------------
HT_SCOPE = "大足高新区"
ELEV = "智能电梯"
EVM = "智能网联新能源汽车和摩托车"
HT_ROWS = [
    actual(
        "智能电梯产业八大系统",
        "全区",
        8,
        "个",
        cluster=ELEV,
        period=REPORT_PERIOD,
        note="目前；大足智能电梯产业八大系统已齐全",
    ),
    actual(
        "电梯年产量占全市",
        "全区",
        "1/3",
        "",
        cluster=ELEV,
        period=REPORT_PERIOD,
        note="目前；中国西部最大的电梯产业基地",
    ),
    actual("整车生产企业", HT_SCOPE, 23, "家", cluster=EVM, period=REPORT_PERIOD, note="目前；集聚整车生产企业23家"),
    actual("配套企业", HT_SCOPE, "100余", "家", cluster=EVM, period=REPORT_PERIOD, note="目前"),
    actual("新增高新技术企业", HT_SCOPE, 8, "家", period=REPORT_PERIOD),
    actual("高新技术企业总数", HT_SCOPE, "39", "家", period=REPORT_PERIOD, note="共39家"),
    actual("新入库科技型中小企业", HT_SCOPE, 34, "家", period=REPORT_PERIOD),
    actual("科技型中小企业累计", HT_SCOPE, "133", "家", period=REPORT_PERIOD, note="共133家"),
    actual("新增专精特新企业", HT_SCOPE, 7, "家", period=REPORT_PERIOD),
    actual("专精特新企业累计", HT_SCOPE, "25", "家", period=REPORT_PERIOD, note="共25家"),
    actual("新增工信部专精特新“小巨人”企业", HT_SCOPE, 1, "家", period=REPORT_PERIOD),
    actual("专精特新“小巨人”企业", HT_SCOPE, "3", "家", period=REPORT_PERIOD, note="累计3家"),
    actual("创建绿色工厂", HT_SCOPE, 2, "个", period=REPORT_PERIOD),
    actual("创建数字化车间", HT_SCOPE, 4, "个", period=REPORT_PERIOD),
    actual("引进智能电梯DC项目", HT_SCOPE, 5, "个", cluster=ELEV, period=REPORT_PERIOD, note="富士达、日立、三菱等"),
    reference(
        "达产后预计年产值",
        HT_SCOPE,
        "30以上",
        "亿元",
        cluster="新能源汽摩",
        period=REPORT_PERIOD,
        note="预计：绿源项目完全达产后预计可实现年产值30亿元以上",
    ),
    reference(
        "年仓储转运电梯整机",
        HT_SCOPE,
        "1万",
        "台",
        cluster=ELEV,
        period=REPORT_PERIOD,
        note="设计能力：5个智能电梯DC项目年仓储转运电梯整机1万台",
    ),
    reference(
        "带动配套企业产值增加",
        HT_SCOPE,
        "约7",
        "亿元",
        cluster=ELEV,
        period=REPORT_PERIOD,
        note="预计：DC项目全部运营后将带动配套企业产值增加约7亿元",
    ),
    # 2024: 力争引资100亿元以上，实现规上工业产值增长20%，税收增长30%以上
    target("引资", HT_SCOPE, "100以上", "亿元", "力争"),
    target("规上工业产值增长", HT_SCOPE, 20, "%", "力争"),
    target("税收增长", HT_SCOPE, "30以上", "%", "力争"),
]


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------
def row_cells(row: Row, columns: list[str], seq: int, as_text: bool = False) -> dict[str, object]:
    value = row.value
    if as_text and isinstance(value, (int, float)):
        value = str(value)
    cells = {
        "序号": seq,
        "指标名称": row.name,
        "统计范围": row.scope,
        "产业集群": row.cluster or None,
        "期间": row.period or None,
        "数据类型": row.kind,
        "目标要求": row.requirement or None,
        "数值": value,
        "单位": row.unit or None,
        "比较基期": row.base_period or None,
        "说明": row.note or None,
    }
    return {c: cells[c] for c in columns}


def write_cover(ws, items: list[tuple[str, object] | None]) -> None:
    """Label/value pairs; None leaves a blank row."""
    r = 1
    for item in items:
        if item is not None:
            label, value = item
            ws.cell(row=r, column=1, value=label).font = Font(bold=True)
            cell = ws.cell(row=r, column=2, value=value)
            if isinstance(value, dt.date):
                cell.number_format = 'yyyy"年"m"月"d"日"'
        r += 1
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 36


def write_indicator_sheet(
    ws, rows: list[Row], columns: list[str], title: str | None = None, as_text: bool = False
) -> None:
    r = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        r = 2
    for c, name in enumerate(columns, start=1):
        ws.cell(row=r, column=c, value=name).font = Font(bold=True)
    for seq, row in enumerate(rows, start=1):
        r += 1
        for c, (col, value) in enumerate(row_cells(row, columns, seq, as_text).items(), start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if col == "数值" and isinstance(value, str):
                cell.number_format = "@"  # a text cell, as when the clerk typed 270余
            if col == "数值" and row.percent_cell:
                cell.number_format = "0.0%"
    widths = {
        "序号": 6,
        "指标名称": 34,
        "统计范围": 12,
        "产业集群": 30,
        "期间": 9,
        "数据类型": 9,
        "目标要求": 9,
        "数值": 12,
        "单位": 10,
        "比较基期": 10,
        "说明": 60,
    }
    for c, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(name, 12)
    ws.freeze_panes = ws.cell(row=r - len(rows) + 1, column=1)


def save_deterministic(wb: Workbook, path: Path) -> None:
    """Save with fixed document properties and zip entry times so the bytes never change."""
    wb.properties.created = FIXED_DOC_TIME
    wb.properties.modified = FIXED_DOC_TIME
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl stamps `modified` with now(); undone below
    stamp = FIXED_DOC_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{stamp}\g<2>", text)
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    path.write_bytes(out.getvalue())


def build_econ(out: Path) -> Path:
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    write_cover(
        cover,
        [
            ("报送单位", "区经济信息委"),
            None,
            ("报告期", REPORT_PERIOD),
            ("填报人", "李晓红"),
            ("联系电话", "023-4372xxxx"),
            None,
            ("报出日期", dt.date(2024, 1, 15)),  # a real Excel date cell
        ],
    )
    ws = wb.create_sheet("指标")
    write_indicator_sheet(ws, ECON_ROWS, STANDARD_COLUMNS, title="大足区经济信息委2023年度指标报送表")

    cl = wb.create_sheet("集群产值")
    headers = ["产业集群", "统计范围", "规上工业产值(亿元)", "同比增长", "说明"]
    for c, name in enumerate(headers, start=1):
        cl.cell(row=1, column=c, value=name).font = Font(bold=True)
    for r, (cluster, output, growth) in enumerate(ECON_CLUSTER_OUTPUT, start=2):
        cl.cell(row=r, column=1, value=cluster)
        cl.cell(row=r, column=2, value="全区")
        cl.cell(row=r, column=3, value=output).number_format = "0.0"
        if growth is not None:
            cl.cell(row=r, column=4, value=growth)
        cl.cell(row=r, column=5, value=SAMPLE_NOTE)
    for letter, width in zip("ABCDE", (38, 10, 20, 10, 24)):
        cl.column_dimensions[letter].width = width
    path = out / "经信委2023年报(终版).xlsx"
    save_deterministic(wb, path)
    return path


def build_science(out: Path) -> Path:
    columns = [
        "报送单位",
        "报告期",
        "指标名称",
        "统计范围",
        "产业集群",
        "期间",
        "数据类型",
        "目标要求",
        "数值",
        "单位",
        "比较基期",
        "说明",
    ]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")  # as Excel on Chinese Windows saves it
    writer.writerow(columns)
    for row in SCI_ROWS:
        cells = row_cells(row, [c for c in columns if c not in ("报送单位", "报告期")], 0)
        writer.writerow(["大足区科技局", REPORT_PERIOD] + ["" if v is None else v for v in cells.values()])
    path = out / "区科技局2023年度指标报送表.csv"
    path.write_bytes(text.getvalue().encode("gbk"))  # strict: fails loudly on a non-GBK character
    return path


def build_shuangqiao(out: Path) -> Path:
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    write_cover(
        cover,
        [
            ("报送单位", "大足双桥经济技术开发区经济发展局"),  # official full name
            ("报告期", REPORT_PERIOD),
            ("填报人", "陈思远"),
            ("联系电话", "023-4376xxxx"),
            ("报出日期", "2024年1月15日"),
        ],
    )
    ws = wb.create_sheet("指标")
    write_indicator_sheet(ws, SQ_ROWS, SQ_COLUMNS, as_text=True)
    path = out / "双桥经开区经发局_2023年度指标填报.xlsx"
    save_deterministic(wb, path)
    return path


def build_industrial_park(out: Path) -> Path:
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    write_cover(
        cover,
        [
            None,
            ("报送单位", "工业园区管委会"),
            ("报告期", REPORT_PERIOD),
            None,
            ("填报人", "周敏"),
            ("联系电话", "023-4379xxxx"),
            ("报出日期", "2024-01-16"),
        ],
    )
    ws = wb.create_sheet("指标")
    write_indicator_sheet(ws, IP_ROWS, STANDARD_COLUMNS, title="大足工业园区2023年度主要指标完成情况")
    path = out / "工业园区管委会2023年度数据报送.xlsx"
    save_deterministic(wb, path)
    return path


def build_hightech(out: Path) -> Path:
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    write_cover(
        cover,
        [
            ("报告期", REPORT_PERIOD),
            ("报送单位", "高新区管委会"),
            None,
            ("报出日期", "2024年1月16日"),
            ("填报人", "万婷"),
            ("联系电话", "023-4373xxxx"),
        ],
    )
    ws = wb.create_sheet("指标")
    write_indicator_sheet(ws, HT_ROWS, STANDARD_COLUMNS)
    path = out / "大足高新区2023年指标报送（1月16日）.xlsx"
    save_deterministic(wb, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default sources/inbox/)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for build in (build_econ, build_science, build_shuangqiao, build_industrial_park, build_hightech):
        path = build(args.out)
        print(path)


if __name__ == "__main__":
    main()
