"""What the review reports say, rule by rule: each message's problem and fix in Chinese and English.

Every message a submitter reads is here, keyed by its id (the rule's name, or the rule's name and a number
where one rule says several things); `{name}` marks the words a message takes. The Great Expectations
suites (expectations/*.json) name their rule in `meta.rule` and find their message here too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    problem_zh: str
    problem_en: str
    fix_zh: str = ""
    fix_en: str = ""

    def format(self, **words) -> Message:
        return Message(*(text.format(**words) for text in (self.problem_zh, self.problem_en, self.fix_zh, self.fix_en)))


MESSAGES: dict[str, Message] = {
    "a_range_cannot_carry_another": Message(
        "区间不能再带限定词: {text}",
        "a range cannot carry another qualifier: {text}",
        "写成 1—2 或 ≥1 这样的一种形式",
        "write either a range like 1—2 or a bound like ≥1",
    ),
    "a_value_cannot_be_true": Message("数值不能是逻辑值", "a value cannot be TRUE/FALSE", "填写数字", "enter a number"),
    "actual_for_future_period": Message(
        "期间 {row_period_code} 尚未开始, 不能有实绩",
        "period {row_period_code} had not begun when the file arrived: it cannot have actuals",
        "核对“期间”和“数据类型”: 对未来期间请填写目标",
        "check 期间 and 数据类型: a future period takes targets",
    ),
    "ambiguous_indicator": Message(
        "指标名称可有两种理解: {readings}",
        "the indicator name reads two ways: {codes}",
        "改用其中一种的规范名称; 或由区数据专班在目录中为该名称指定其一",
        "write the catalog name of the one you mean, or the district data team settles it with an alias",
    ),
    "cannot_read_the_date": Message(
        "无法识别的日期: {text}",
        "cannot read the date: {text}",
        "填写如 2024-01-15 或 2024年1月15日",
        "write e.g. 2024-01-15 or 2024年1月15日",
    ),
    "cannot_read_the_period": Message(
        "无法识别的期间: {text}",
        "cannot read the period: {text}",
        "填写如 2023年、2024年上半年、2024年1-6月、2024年第一季度、2024Q1、2024年6月、2024-06",
        "write e.g. 2023年, 2024年上半年, 2024年1-6月, 2024年第一季度, 2024Q1, 2024年6月, 2024-06",
    ),
    "cannot_read_the_value": Message(
        "无法识别的数值: {text}({where_zh})",
        "cannot read the value: {text} ({where_en})",
        "填写数字, 可带限定词和单位, 如 270余、超过80%、1—2、≥210、约7、1.5亿",
        "enter a number, optionally with a qualifier and unit, e.g. 270余, 超过80%, 1—2, ≥210, 约7, 1.5亿",
    ),
    "cluster_conflict": Message(
        "指标名称中的产业集群与“产业集群”列不一致",
        "the cluster in the indicator name contradicts the 产业集群 column",
        "只在一处写产业集群, 或使两处一致",
        "write the cluster once, or make both agree",
    ),
    "conflicting_qualifiers": Message(
        "限定词相互矛盾: {text}",
        "conflicting qualifiers: {text}",
        "只保留一个限定词, 如 超过/以上/约",
        "keep one qualifier such as 超过, 以上 or 约",
    ),
    "duplicate_row": Message(
        "与第{first_source_row}行完全重复, 已只保留一次",
        "repeats row {first_source_row} exactly; kept once",
        "删除重复行",
        "delete the repeated row",
    ),
    "file_too_large": Message(
        "文件过大: {mb:.1f} MB, 上限 {limit_mb:.0f} MB",
        "the file is too large: {mb:.1f} MB, the limit is {limit_mb:.0f} MB",
        "删除模板以外的工作表、图片和格式后另存再报送; 企业月报请用 CSV 或 Parquet",
        "remove sheets, pictures and formatting the template does not need and save again",
    ),
    "formula_error": Message(
        "公式计算结果为错误值 {cell_value_error}",
        "the formula's result is the error value {cell_value_error}",
        "修正公式或改填数值后, 在 Excel 或 WPS 中保存再报送",
        "correct the formula or type the value, save in Excel or WPS and submit again",
    ),
    "formula_without_result": Message(
        "公式未保存计算结果, 无法读取其数值",
        "the formula's result was not saved, so its value is unknown",
        "用 Excel 或 WPS 打开文件, 保存后再报送(由其他程序生成的文件常缺少计算结果)",
        "open the file in Excel or WPS and save it again (files made by other programs often lack the results), then submit it",
    ),
    "missing_column": Message(
        "缺少必填列“{column}”",
        "required column {column} is missing",
        "在表头添加“{column}”列",
        "add a {column} column to the header",
    ),
    "missing_column.2": Message(
        "缺少必填列“规上工业产值”",
        "required column 规上工业产值 is missing",
        "添加“规上工业产值(亿元)”列",
        "add a 规上工业产值(亿元) column",
    ),
    "missing_column.3": Message(
        "缺少必填列“{column}”",
        "required column {column} is missing",
        "按模板添加“{column}”列",
        "add the {column} column",
    ),
    "missing_cover_field": Message(
        "未填写“{label}”", "{label} is not filled in", "在{sheet}中填写{label}", "fill in {label} in {sheet}"
    ),
    "missing_header": Message(
        "工作表“{sheet_name}”中找不到表头(含“{key_column}”列)",
        "no header row with column {key_column} in sheet {sheet_name}",
        "表头应在第一行或标题行下方, 列名与模板一致",
        "put the template's header row at the top, below any title row",
    ),
    "missing_sheet": Message(
        "缺少工作表“封面”",
        "sheet 封面 (cover) is missing",
        "按模板添加“封面”工作表, 填写报送单位和报告期",
        "add the 封面 sheet with 报送单位 and 报告期",
    ),
    "missing_sheet.2": Message(
        "缺少工作表“指标”", "sheet 指标 (indicators) is missing", "按模板添加“指标”工作表", "add the 指标 sheet"
    ),
    "missing_unit": Message(
        "缺少单位",
        "the unit is missing",
        "在单位列填写单位, 该指标常用“{indicator_display_unit_zh}”",
        "fill in the 单位 column; this indicator is usually in {indicator_display_unit_zh}",
    ),
    "missing_value": Message(
        "必填项“{column}”为空", "required field {column} is empty", "填写“{column}”", "fill in {column}"
    ),
    "mixed_submission": Message(
        "同一文件中“{label}”不一致: {first_value} / {second_value}",
        "{label} differs between rows: {first_value} / {second_value}",
        "一个文件只报送一个单位、一个报告期",
        "one file carries one department and one reporting period",
    ),
    "more_findings_of_this_kind": Message(
        "另有 {count:,} 条同类问题未逐条列出",
        "{count:,} more findings of this kind are not listed",
        "按上列各行的方法逐一修改",
        "fix them as the rows above show",
    ),
    "more_rows_with_this_problem": Message(
        "另有{count}行同类问题未逐行列出", "{count} more rows with this problem are not listed", "", ""
    ),
    "not_a_regular_file": Message(
        "收件箱中的“{file_relative}”是{kind_zh}, 不是普通文件, 未读取",
        "“{file_relative}” in the inbox is a {file_kind}, not a regular file; nothing of it was read",
        "请把报表文件本身(而不是快捷方式或链接)放入收件箱",
        "put the report file itself (not a shortcut or link) into the inbox",
    ),
    "not_a_regular_file.2": Message("“{path_name}”不是普通文件", "{path_name} is not a regular file", "", ""),
    "period_not_begun": Message(
        "报告期 {period_code} 在文件收到时({received_on})尚未开始",
        "the report period {period_code} had not begun when the file arrived on {received_on}",
        "核对报告期",
        "check the report period",
    ),
    "range_lower_bound_above_upper": Message(
        "区间下限大于上限: {text}", "range lower bound above upper bound: {text}", "写成 小值—大值", "write low—high"
    ),
    "sent_date_after_arrival": Message(
        "报出日期 {sent} 晚于文件收到的日期 {received_on}",
        "the date sent, {sent}, is after the file arrived on {received_on}",
        "填写本文件实际报出的日期",
        "write the date this file was actually sent",
    ),
    "sent_date_before_period": Message(
        "报出日期 {sent} 早于报告期 {period_code} 的开始日期 {period_start_date}",
        "the date sent, {sent}, is before the report period {period_code} began on {period_start_date}",
        "核对报出日期和报告期",
        "check the date sent and the report period",
    ),
    "strength_on_non_target": Message(
        "“目标要求”只适用于目标值, 已忽略",
        "目标要求 applies to targets only and was ignored",
        "非目标行请留空“目标要求”",
        "leave 目标要求 blank on rows that are not targets",
    ),
    "the_value_is_empty": Message("数值为空", "the value is empty", "填写数值", "fill in the value"),
    "too_many_rows": Message(
        "数据行超过上限 {self_limits_max_rows:,} 行",
        "more than {self_limits_max_rows:,} rows hold data",
        "一份报表只报送一个单位、一个报告期的指标; 请删除多余的行, 或拆分后分别报送",
        "a report carries one department's indicators for one period; remove the extra rows or split it",
    ),
    "too_many_rows.2": Message(
        "填有内容的单元格超过上限 {self_limits_max_cells:,} 个",
        "more than {self_limits_max_cells:,} cells hold data",
        "请只保留模板中的工作表和列后重新报送",
        "keep only the template's sheets and columns and submit again",
    ),
    "unit_conflict": Message(
        "数值中的单位“{parsed_unit_text}”与单位列“{unit_text}”不一致",
        "the unit in the value ({parsed_unit_text}) contradicts the 单位 column ({unit_text})",
        "只在一处写单位, 或使两处一致",
        "write the unit once, or make both agree",
    ),
    "unit_mismatch": Message(
        "单位“{unit_text}”不适用于指标“{indicator_name_zh}”",
        "unit {unit_text} does not fit {indicator_name_en} (measured in {indicator_base_unit})",
        "该指标的单位应为“{indicator_display_unit_zh}”或同类单位",
        "use {indicator_display_unit_zh} or a unit of the same kind",
    ),
    "unknown": Message(
        "未知的{table_kind_zh}: {cell_value}",
        "unknown {table_kind_en}: {cell_value}",
        "请使用目录中的名称, 最接近的有: {hint_zh}; 如确为新{table_kind_zh}, 请联系区数据专班加入目录",
        "use a catalog name; closest: {suggestions_en}; a genuinely new name must be added to the catalog by the district data team",
    ),
    "unknown_target_strength": Message(
        "无法识别的目标要求: {strength_cell_value}",
        "unknown target requirement: {strength_cell_value}",
        "填写 确保、力争 或留空",
        "write 确保 (ensure), 力争 (strive) or leave it blank",
    ),
    "unknown_unit": Message(
        "无法识别的单位: {unit_text}",
        "unknown unit: {unit_text}",
        "使用模板列出的单位: 家 个 件 项 人 名 台 亿元 万元 元 % 个百分点 亩 平方米 万平方米 公里 米 工作日 位 万元/亩",
        "use a unit listed in the template",
    ),
    "unknown_value_kind": Message(
        "无法识别的数据类型: {kind_cell_value}",
        "unknown value kind: {kind_cell_value}",
        "填写 实绩、目标 或 参照",
        "write 实绩 (actual), 目标 (target) or 参照 (reference)",
    ),
    "unreadable_file": Message(
        "文件无法读取: {exc}",
        "the file cannot be read: {exc}",
        "用 Excel 另存为 CSV (UTF-8) 或 Parquet 后重新报送",
        "save it as CSV UTF-8 or Parquet and submit again",
    ),
    "unreadable_file.2": Message(
        "不支持的文件类型: {suffix_zh}",
        "unsupported file type: {suffix_en}",
        "请另存为 .xlsx 工作簿或 .csv 文件后重新报送",
        "save the file as .xlsx or .csv and submit again",
    ),
    "unreadable_file.3": Message(
        "CSV 文件编码无法识别",
        "the CSV encoding is not UTF-8 or GBK/GB18030",
        "用 Excel 另存为 CSV (UTF-8) 再报送",
        "save it from Excel as CSV UTF-8 and submit again",
    ),
    "unreadable_file.4": Message(
        "文件设有打开密码, 无法读取",
        "the workbook is password-protected",
        "在 Excel 或 WPS 中取消密码后另存为 .xlsx 再报送",
        "remove the password in Excel or WPS, save as .xlsx and submit again",
    ),
    "unreadable_file.5": Message(
        "工作簿已加密, 无法读取",
        "the workbook is encrypted",
        "取消密码后另存为 .xlsx 再报送",
        "remove the password, save as .xlsx and submit again",
    ),
    "unsupported_period_months_of": Message(
        "不支持的期间: {year}年{first}-{last}月",
        "unsupported period: months {first}-{last} of {year}",
        "报告期用 全年、上半年、季度、单月或 1-N月累计",
        "use a year, half, quarter, single month or January-to-month range",
    ),
    "zero_denominator": Message(
        "分母为零: {text}", "zero denominator: {text}", "改写为百分数", "write it as a percentage"
    ),
    # the Great Expectations suites (expectations/*.json): meta.message names the message
    "cluster_shares_sum_to_one": Message(
        "同一范围和期间的集群占比之和不等于1", "cluster shares of an area and period do not sum to 1", "", ""
    ),
    "cluster_sum_mismatch": Message(
        "各集群(含其他)产值之和 {clusters_sum_display} 与总量 {total_display} 相差超过0.5%",
        "the clusters plus 其他 differ from the reported total by more than 0.5%",
        "核对集群产值表和规上工业总产值, 使两者一致",
        "make the 集群产值 sheet and the total agree",
    ),
    "computed_growth_plausible": Message(
        "计算的同比增速低于合理范围", "computed growth below the plausible range", "", ""
    ),
    "computed_growth_plausible.2": Message(
        "计算的同比增速高于合理范围", "computed growth above the plausible range", "", ""
    ),
    "conflicting_duplicate": Message(
        "“{indicator}”有多行的指标、范围、集群、期间和类型相同, 但数值不同",
        "{indicator_en}: several rows share indicator, area, cluster, period and kind with different values",
        "保留正确的一行, 删除其余",
        "keep the correct row and delete the others",
    ),
    "enterprise_cluster_output_reconciles": Message(
        "企业汇总的集群产值与部门填报相差超过1%",
        "cluster output summed from enterprises differs from the reported cluster output by more than 1%",
        "",
        "",
    ),
    "far_from_previous_period": Message(
        "“{indicator}”与上年同期 {previous_display} 相比变化过大",
        "{indicator_en} moved far from the same period a year earlier",
        "核实数值; 如确实如此, 请在“说明”列写明原因",
        "check the value; if it is right, explain it in 说明",
    ),
    "far_from_previous_period.2": Message(
        "“{indicator}”与上年同期 {previous_display} 相比变化超过30个百分点",
        "{indicator_en} moved more than 30 percentage points from the same period a year earlier",
        "核实数值; 如确实如此, 请在“说明”列写明原因",
        "check the value; if it is right, explain it in 说明",
    ),
    "fractional_count": Message(
        "“{indicator}”应为非负整数", "{indicator_en} must be a whole number", "填写整数", "enter a whole number"
    ),
    "growth_below_minus_100": Message(
        "“{indicator}”不能低于或等于-100%",
        "{indicator_en} cannot be at or below -100%",
        "核对数值和正负号",
        "check the value and its sign",
    ),
    "negative_value": Message(
        "“{indicator}”不能为负数",
        "{indicator_en} cannot be negative",
        "核对数值; 下降请用增长率类指标表示",
        "check the value; report a decrease as a growth rate",
    ),
    "out_of_plausible_range": Message(
        "“{indicator}”低于合理范围下限 {plausible_min:g}",
        "{indicator_en} is below its plausible minimum",
        "核实数值; 如确实如此, 请在“说明”列写明原因",
        "check the value; if it is right, explain it in 说明",
    ),
    "out_of_plausible_range.2": Message(
        "“{indicator}”高于合理范围上限 {plausible_max:g}",
        "{indicator_en} is above its plausible maximum",
        "核实数值; 如确实如此, 请在“说明”列写明原因",
        "check the value; if it is right, explain it in 说明",
    ),
    "parks_within_district": Message("各园区之和超过全区数", "the parks together exceed the district", "", ""),
    "progress_ratios_in_bounds": Message("序时进度应在0到1之间", "schedule ratio must lie between 0 and 1", "", ""),
    "progress_ratios_in_bounds.2": Message(
        "完成率超出合理界限(-10到50)", "attainment ratio outside sensible bounds (-10 to 50)", "", ""
    ),
    "ratio_out_of_bounds": Message(
        "“{indicator}”应在0%到100%之间",
        "{indicator_en} must lie between 0% and 100%",
        "核对数值和单位(% 还是 个百分点)",
        "check the value and its unit (% or 个百分点)",
    ),
    "reported_growth_agrees": Message(
        "填报增速与计算增速相差超过0.5个百分点",
        "reported and computed growth differ by more than 0.5 percentage points",
        "",
        "",
    ),
    "targets_reference_known_codes": Message(
        "目标的指标不在指标目录中", "the target's indicator is not in the catalog", "", ""
    ),
    "targets_reference_known_codes.2": Message(
        "目标的报送单位不在部门维度中", "the target's department is not in the department dimension", "", ""
    ),
    # the enterprise monthly feed's row rules (ingest/enterprise.py)
    "enterprise.duplicate_enterprise_month": Message(
        "“{header}”同一企业同一月份出现多行",
        "{header}: the same enterprise appears twice for one month",
        "保留一行",
        "keep one row",
    ),
    "enterprise.invalid_credit_code": Message(
        "“{header}”无效(长度、字符或校验位不符合GB 32100-2015)",
        "{header}: invalid unified social credit code (GB 32100-2015)",
        "核对代码, 以营业执照为准",
        "check the code against the business licence",
    ),
    "enterprise.missing_value": Message(
        "“{header}”必填项为空", "{header}: required value is empty", "填写数值", "fill in the value"
    ),
    "enterprise.negative_value": Message(
        "“{header}”不能为负数", "{header}: cannot be negative", "核对数值", "check the value"
    ),
    "enterprise.unknown_cluster": Message(
        "“{header}”未知的产业集群",
        "{header}: unknown cluster",
        "使用“246”体系集群名称或“其他”",
        "use a cluster of the 246 system or 其他",
    ),
    "enterprise.unknown_period": Message(
        "“{header}”无法识别的报告期(应为月份)",
        "{header}: the 报告期 is not a month",
        "填写如 2024-06 或 2024年6月",
        "write e.g. 2024-06",
    ),
    "enterprise.unreadable_number": Message(
        "“{header}”无法识别的数值", "{header}: the number cannot be read", "填写数字", "enter a number"
    ),
    "enterprise.ytd_below_month": Message(
        "“{header}”累计产值小于当月产值",
        "{header}: year-to-date output below the month's output",
        "核对累计数",
        "check the YTD figure",
    ),
    # unreadable or oversized files, and dates (ingest/reading.py, ingest/xlsx_reader.py, quality/date_rules.py)
    "actual_before_period_end": Message(
        "期间 {period_code} 在文件收到时({received_on})尚未结束, 实绩可能不完整",
        "period {period_code} had not ended when the file arrived on {received_on}: the actual may be incomplete",
        "如为快报或预计数, 请在“说明”中注明",
        "if it is a flash or estimated figure, say so in 说明",
    ),
    "actual_before_period_end.explained": Message(
        "期间 {period_code} 在文件收到时({received_on})尚未结束, 实绩可能不完整(已有说明)",
        "period {period_code} had not ended when the file arrived on {received_on}: the actual may be incomplete (explained)",
        "如为快报或预计数, 请在“说明”中注明",
        "if it is a flash or estimated figure, say so in 说明",
    ),
    "unreadable_file.csv": Message(
        "CSV 文件格式有误, 无法读取",
        "the CSV file is malformed",
        "用 Excel 或 WPS 打开文件后重新保存(另存为 .xlsx)再报送; 如文件在传输中被截断, 请重新发送原文件",
        "open the file in Excel or WPS and save it again (as .xlsx); if it was cut off in transfer, send it again",
    ),
    "unreadable_file.damaged": Message(
        "文件已损坏或不完整, 无法读取",
        "the file is damaged or incomplete and cannot be read",
        "用 Excel 或 WPS 打开文件后重新保存(另存为 .xlsx)再报送; 如文件在传输中被截断, 请重新发送原文件",
        "open the file in Excel or WPS and save it again (as .xlsx); if it was cut off in transfer, send it again",
    ),
    "unreadable_file.html": Message(
        "这是网页(HTML)格式的文件, 只是扩展名为表格",
        "this is a web page (HTML) named like a workbook",
        "用 Excel 或 WPS 打开后另存为 .xlsx 再报送",
        "open it in Excel or WPS, save as .xlsx and submit again",
    ),
    "unreadable_file.not_a_workbook": Message(
        "文件无法打开, 不是有效的 Excel 工作簿",
        "the file cannot be opened as an Excel workbook",
        "用 Excel 或 WPS 打开后另存为 .xlsx 再报送",
        "open it in Excel or WPS, save as .xlsx and submit again",
    ),
    "workbook_too_large.part": Message(
        "工作簿中“{part}”解压后过大({mb:.0f} MB)",
        "part {part} inflates to {mb:.0f} MB, more than {limit_mb:.0f} MB",
        "删除模板以外的工作表、图片和大片空白格式后另存为 .xlsx 再报送",
        "remove sheets, pictures and wide empty formatting the template does not need, save as .xlsx and submit again",
    ),
    "workbook_too_large.parts": Message(
        "工作簿内部文件过多({parts} 个, 上限 {limit} 个)",
        "the workbook has {parts} parts, more than {limit}",
        "删除模板以外的工作表、图片和大片空白格式后另存为 .xlsx 再报送",
        "remove sheets, pictures and wide empty formatting the template does not need, save as .xlsx and submit again",
    ),
    "workbook_too_large.ratio": Message(
        "工作簿中“{part}”压缩比异常({ratio:.0f} 倍), 多为大片空白格式",
        "part {part} is compressed {ratio:.0f} times, beyond {limit:.0f}: usually formatting over empty cells",
        "删除模板以外的工作表、图片和大片空白格式后另存为 .xlsx 再报送",
        "remove sheets, pictures and wide empty formatting the template does not need, save as .xlsx and submit again",
    ),
    "workbook_too_large.total": Message(
        "工作簿解压后过大({mb:.0f} MB, 上限 {limit_mb:.0f} MB)",
        "the workbook inflates to {mb:.0f} MB, more than {limit_mb:.0f} MB",
        "删除模板以外的工作表、图片和大片空白格式后另存为 .xlsx 再报送",
        "remove sheets, pictures and wide empty formatting the template does not need, save as .xlsx and submit again",
    ),
    # appended to a soft finding whose row's 说明 explains it
    "explained": Message("(已有说明)", " (explained)"),
    # the catalog check (reports/catalog_check.html) and `catalog accept`
    "catalog.code_is_not_snake_case": Message(
        "代码“{code}”不合规范",
        "code {code!r} is not snake_case",
        "代码用小写英文字母、数字和下划线",
        "use lower-case letters, digits and _",
    ),
    "catalog.code_is_not_snake_case.2": Message(
        "代码“{code}”不合规范",
        "code {code} is not snake_case",
        "代码用小写英文字母、数字和下划线",
        "use lower-case letters, digits and _",
    ),
    "catalog.code_repeats_line": Message(
        "代码“{code}”与第 {first_line} 行重复",
        "code {code} repeats line {first_line}",
        "每个代码只出现一次",
        "give every code one line",
    ),
    "catalog.column_is_missing": Message(
        "缺少列“{column}”",
        "column {column} is missing",
        "在表头加上“{column}”列",
        "add the {column} column to the header",
    ),
    "catalog.conflicting_names": Message(
        "名称冲突: {exc}",
        "conflicting names: {exc}",
        "删去重复的别名, 一个名称只能指向一个代码",
        "remove the repeated alias: a name means one code",
    ),
    "catalog.is_not_a_measure_its": Message(
        "“{measure}”不是计量项(其形式不是 level)",
        "{measure} is not a measure (its form is not level)",
        "计量项须为 form_code = level 的行",
        "a measure is a row with form_code level",
    ),
    "catalog.is_not_a_number": Message(
        "“{value}”不是数字",
        "{value!r} is not a number",
        "填写数字, 如 0、1.5、1e13",
        "write a number such as 0, 1.5 or 1e13",
    ),
    "catalog.is_not_a_whole_number": Message(
        "“{value}”不是 {low} 到 {high} 之间的整数",
        "{value!r} is not a whole number from {low} to {high}",
        "填写 {low} 到 {high} 之间的整数",
        "write a whole number from {low} to {high}",
    ),
    "catalog.is_not_allowed": Message(
        "“{value}”不是允许的值", "{value!r} is not allowed", "填写其中之一: {allowed}", "write one of: {allowed}"
    ),
    "catalog.malformed_csv": Message(
        "CSV 格式错误: {table_problem}",
        "malformed CSV: {table_problem}",
        "检查引号是否成对",
        "check that quotes are paired",
    ),
    "catalog.of_repeats_line": Message(
        "该单位的“{kind}”与第 {first_line} 行重复",
        "{kind} of {department} repeats line {first_line}",
        "每个单位的每种报表只写一行",
        "one line per department and report kind",
    ),
    "catalog.plausible_min_is_above_plausible": Message(
        "合理范围下限 {low} 大于上限 {high}",
        "plausible_min {low} is above plausible_max {high}",
        "交换两个数",
        "swap them",
    ),
    "catalog.template_needs_and_only_the": Message(
        "模板“{template}”须含 {{m}}, 只可用 {placeholders}",
        "template {template!r} needs {{m}} and only the known placeholders",
        "如 {{m}}同比增长、{{m}}占全市{{any}}比重",
        "e.g. {{m}}同比增长, {{m}}占全市{{any}}比重",
    ),
    "catalog.the_alias_is_empty": Message("别名为空", "the alias is empty", "填写别名", "fill in the alias"),
    "catalog.the_alias_points_to_an": Message(
        "别名指向不存在的代码“{code}”",
        "the alias points to an unknown code {code!r}",
        "填写 {file_name} 中的代码",
        "write a code of {file_name}",
    ),
    "catalog.the_code_is_empty": Message("代码为空", "the code is empty", "填写代码", "fill in the code"),
    "catalog.the_encoding_is_neither_utf": Message(
        "文件编码无法识别(应为 UTF-8 或 GBK)",
        "the encoding is neither UTF-8 nor GBK",
        "在 Excel 中另存为“CSV UTF-8”",
        "save it from Excel as CSV UTF-8",
    ),
    "catalog.the_enterprise_feed_is_monthly": Message(
        "企业月报的报告期只能是月",
        "the enterprise feed is monthly: its period_kind is month",
        "填写 month",
        "write month",
    ),
    "catalog.the_file_cannot_be_read": Message(
        "文件无法读取: {table_problem}",
        "the file cannot be read: {table_problem}",
        "在 Excel 中另存为 CSV UTF-8",
        "save it from Excel as CSV UTF-8",
    ),
    "catalog.the_file_is_missing": Message(
        "文件不存在", "the file is missing", "从版本库恢复该文件", "restore the file from the repository"
    ),
    "catalog.the_line_has_more_fields": Message(
        "本行比表头多 {extra} 个字段",
        "the line has {extra} more fields than the header",
        "检查是否有未加引号的逗号",
        "look for a comma that is not inside quotes",
    ),
    "catalog.the_name_already_belongs_to": Message(
        "名称“{name}”已属于第 {first} 行的“{code}”",
        "the name {name} already belongs to {code} (line {first})",
        "删去其中一处, 一个名称只能指向一个代码",
        "remove one: a name means one code",
    ),
    "catalog.unknown_department": Message(
        "未知的报送单位“{department}”",
        "unknown department {department!r}",
        "填写 departments.csv 中的代码",
        "write a code of departments.csv",
    ),
    "catalog.unknown_form": Message(
        "未知的形式“{form}”", "unknown form {form!r}", "使用 forms.csv 中的形式", "use a form of forms.csv"
    ),
    "catalog.unknown_measure": Message(
        "未知的计量项“{measure}”",
        "unknown measure {measure!r}",
        "填写本目录中某一 level 行的代码",
        "write the code of a level row of this catalog",
    ),
    "catalog.unknown_unit": Message(
        "未知的单位“{unit}”",
        "unknown unit {unit!r}",
        "使用 units.csv 中的单位或先在其中添加",
        "use a unit of units.csv, or add it there first",
    ),
    "catalog.unknown_unit.2": Message(
        "未知的单位“{unit}”", "unknown unit {unit!r}", "使用 units.csv 中的单位", "use a unit of units.csv"
    ),
}
