"""Chinese cue words and units as data, apart from the engine that uses them.

Each table is what a reviewer would edit to teach the extractor a new phrase; the regexes in
extract/ are built from them.
"""

# Comparators written before the number: 不少于300个, 超过20%, 达到85%.
COMPARATOR_PREFIX = {
    "不少于": ">=", "不低于": ">=", "至少": ">=", "最少": ">=", "不小于": ">=",
    "超过": ">", "突破": ">", "超": ">", "高于": ">", "大于": ">", "多于": ">",
    "达到": "=", "达": "=", "迈上": ">=", "实现": "=", "≥": ">=", "≤": "<=", "＞": ">", "＜": "<",
    "约": "~", "近": "~", "将近": "~", "接近": "~", "大约": "~",
    "不得少于": ">=", "不得低于": ">=", "不得超过": "<=", "不得高于": "<=",
    "不超过": "<=", "不高于": "<=", "不大于": "<=", "不多于": "<=", "不能超过": "<=", "控制在": "<=",
    "低于": "<", "小于": "<", "少于": "<",
}

# Comparators a short verb apart from the number: 至少选择3个, 最多推荐2家.
COMPARATOR_BEFORE_VERB = {"至少": ">=", "最少": ">=", "不少于": ">=", "最多": "<=", "不超过": "<="}

# Comparators written after the quantity: 300个以上, 20%左右.
COMPARATOR_SUFFIX = {
    "以上": ">=", "及以上": ">=", "或以上": ">=",
    "以下": "<=", "及以下": "<=", "以内": "<=",
    "左右": "~", "上下": "~",
}

# Units a target or a duration is counted in, as written after the number (magnitude prefixes
# 万/亿/万亿 are matched separately and kept on the unit: 3.5万亿元 -> 3.5, '万亿元').
UNITS = [
    "%", "个百分点", "百分点", "个", "项", "家", "元", "美元", "倍", "人", "名", "人次", "座", "台", "套", "台（套）", "台(套)",
    "条", "所", "处", "款", "种", "户", "吨", "千瓦", "千瓦时", "千伏安", "瓦", "标准箱", "斤", "公斤", "立方米",
    "平方米", "平方公里", "公里", "千米", "亩", "张", "件", "份", "篇", "支", "只", "颗", "片", "间", "头", "株",
    "架", "艘", "辆", "GW", "MW", "TB", "PB", "EFLOPS", "PFLOPS", "Gbps", "Mbps",
    "TFLOPS/w", "TFLOPS", "TOPS/w", "TOPS", "dB", "Pa", "pT", "cm3/h", "h", "度",
    "分", "级", "次", "秒", "毫秒", "周岁", "岁", "场次", "场", "学时", "课时",
    "个工作日", "工作日", "个月", "月", "年", "周", "天", "日", "小时", "分钟",
]

# Units that measure time: a duration ("3个月内") is a relative fact, not a target.
TIME_UNITS = {"个工作日", "工作日", "个月", "月", "年", "周", "天", "日", "小时", "分钟", "秒", "毫秒"}
DURATION_UNIT = {"个工作日": "工作日", "个月": "月", "天": "日"}

# Cues that a clause reports the past, not a goal: 已发布, 累计, 截至, 同比.
PAST_CUES = [
    "已经", "已", "截至", "截止到", "同比", "比上年", "较上年", "比去年", "去年", "上年同期",
    "前三季度", "前两个月", "共有", "共计", "达到了", "实现了", "完成了", "增长了", "以来",
    "过去", "近年来", "目前", "现有", "当前", "原定", "原计划",
]

# The same as patterns: a span of months (1—11月, 1-11月) reports a year to date;
# "共推出18项举措" describes the document itself.
PAST_PATTERNS = [r"(?<!\d)1[—\-](?:1[0-2]|[2-9])月", r"共(?:推出|提出|包括|涉及|分为|设置|明确)",
                 r"(?:新增|建成|新建|开展|取得|培育|打造|组织|推广)了",  # 新增了228个项目: what was done
                 r"(?<![未今此之])(?:[一二三四五六七八九十两多]|\d{1,2})年来",  # 两年来, 五年来: over the years past
                 # 累计建成…: a running total reached; 累计培育…55个以上 (a goal verb after it) or 累计数量 (a noun) is none
                 r"累计(?!培育|新增|打造|创建|建设|引进|认定|推动|带动|实现|完成|数量|总量|规模)"]
# Every character a PAST_PATTERNS match can start with, as a regex class's content (tests/test_patterns.py
# checks it): facts.py looks for one of them before trying every cue at a position, four times faster.
PAST_PATTERNS_FIRST = r"1共新建开取培打组推一二三四五六七八九十两多累\d"

# Words after which a number is not a goal: 若干千亿级, 第二批, 都有近十种 (a description).
NOT_GOAL_BEFORE = ["若干", "第", "每", "以下", "下列", "如下", "上述", "前", "从", "都有", "就有", "只有", "仅有", "还有",
                   "图", "表", "附件"]  # 如图1所示, 见附件2: a figure or an annex named

# Words after a counted unit that make the number a structure word, not a goal: 三个方面, 四部分.
NOT_GOAL_AFTER = ["方面", "部分", "阶段", "维度", "层次", "环节", "步", "类型", "统一", "高地", "中心”", "”",
                  "重点任务", "主要任务", "工作任务", "大任务", "大工程", "大行动", "措施", "举措",  # 十条措施: the text's own parts
                  "分目标", "总目标", "主要指标", "项指标", "个指标"]  # 1个总目标、5个分目标、12项主要指标: its goal system
# A set known by its count, written in words (八项规定, 两岸关系的八项主张, 五项重点工作, 六项保障措施, 八个字):
# a name, not a number to reach; the nouns may follow a short qualifier (新, 重点, 基本, 保障).
NAMED_SET_NOUNS = ["规定", "主张", "原则", "准则", "举措", "措施", "行动", "工作", "功能", "问题", "字", "特别行政区"]

# Clauses that grant or charge money, not goals: 给予最高50万元补贴, 处1万元以上5万元以下罚款, 补贴价格.
MONEY_WORDS = ["补贴", "奖励", "资助", "补助", "贴息", "算力券", "奖补", "罚款", "罚金", "没收", "价格", "电价",
               "收费", "租金", "费用", "单价", "津贴", "优惠", "标价"]
# The money words that name what a number may measure, not a grant or a charge: a rule's number only where they
# come before it or right after it (收费标准下浮10%, 30%的费用); after the thing counted they name a topic
# (60%以上的县至少有1家普通门诊费用跨省联网医疗机构).
MONEY_MEASURES = ["价格", "电价", "收费", "租金", "费用", "单价", "标价"]
# A rate of change is a goal even of a price (居民消费价格涨幅2%左右): these words before a % lift the money rule.
RATE_OF_CHANGE = ["涨幅", "增幅", "增长", "增速", "上涨", "下降", "降幅"]
# Clauses that set eligibility, define a term or grant, not goals: 对于投资达到30亿元以上的项目, 是指…变化30%以上.
# Rules of housing and tax finance and of eligibility (首付比例不低于30%, 利率为2.6%, 面积不小于120平方米, 年满16周岁).
FINANCE_RULE_WORDS = ["首付", "利率", "贷款", "公积金", "额度", "税率", "契税", "个人所得税", "增值税", "按揭", "月供", "房龄",
                      "建筑面积", "套型面积", "面积不", "周岁", "年龄", "缴存", "缴纳", "纳税", "税额", "免税",
                      "金融资产", "净资产", "投资于", "保证金", "报销", "加计扣除",
                      "提取", "单笔", "购房", "购买", "配建", "情况下",  # 提取金额不超过5万元, 购买144平方米以上
                      "浮动", "下浮", "上浮", "调整幅度", "下调幅度", "上调幅度", "上下幅度"]  # 下浮幅度在5%以内: how far a price may move
NOT_GOAL_CLAUSE = MONEY_WORDS + FINANCE_RULE_WORDS + ["给予", "最高", "申领", "对于", "是指", "系指", "界定", "财政", "养老金"]

# Verbs that make a number a goal when no date frames it: 打造300个, 培育1000家.
GOAL_VERBS = [
    "打造", "培育", "建设", "建成", "共建", "新建", "组建", "推动", "推广", "推出", "选树", "遴选", "形成", "支持", "制修订",
    "制定", "突破", "达到", "超过", "力争", "不少于", "不低于", "至少", "新增", "提升至", "提高到",
    "增长", "带动", "实现", "布局", "创建", "认定", "发展", "引育", "引进", "招引", "攻关",
    "降低", "减少", "下降", "缩短", "压减", "选取", "推选", "评选", "联通", "接入", "培训", "开展",
    "攻克", "研制", "扩大到", "扩大至", "增加到", "增加至", "压缩到", "压缩至", "提高",
]

# Deadline verbs: a year-level date with these is a deadline ("2026年底前报送"), else a milestone.
SUBMIT_VERBS = ["报送", "函送", "提交", "上报", "报", "提出", "申报", "申请", "反馈", "备案", "完成", "印发", "出台"]

# Words that make a clause a goal without a number (a milestone): 一批, 基本形成, 显著提升.
# Strong cues count anywhere a goal date reaches; weak ones only right after an explicit date.
MILESTONE_CUES = [
    "一批", "基本形成", "基本建成", "初步形成", "初步建成", "初步构建", "全面建成", "建成", "形成",
    "显著提升", "明显提升", "大幅提升", "持续提升", "稳步提升", "明显增强", "显著增强", "持续增强",
    "取得突破", "实现突破", "取得明显进展", "取得积极成效", "取得显著成效", "不断涌现", "不断完善",
    "持续完善", "更加完善", "逐步拓展", "拓展至", "稳居", "走在前列", "世界前列", "基本实现",
    "全面实现", "持续壮大", "持续扩大", "明显进展", "率先实现", "重要进展", "进一步优化", "初步建立", "基本建立",
    "全面建立", "世界领先", "全球领先", "国际领先", "全面投运", "规模化",
    "新台阶", "全国前列", "明显成效", "显著成效", "初见成效", "基本完成", "全面完成", "基本完工", "全面完工", "全覆盖", "全面覆盖",
    "进一步完善", "进一步健全", "更加健全", "不断健全", "显著提高", "明显提高", "大幅提高", "稳步提高", "有效提升",
    "基本健全", "初步实现", "全面提升", "全面提高", "阶段性成果", "阶段性成效", "阶段性进展", "实质性进展",
    "全面推行", "全面推开", "全面展开",
]
MILESTONE_VERBS = [
    "实现", "达到", "培育", "打造", "建设", "构建", "推动", "遴选", "攻关", "攻克", "引育",
    "布局", "普及", "覆盖", "提升", "增强", "完善", "优化", "壮大", "涌现", "扩大", "突破", "领先",
    "建立", "进入", "实施", "启动", "部署", "推进", "投运", "完成",
]

# Verbs of an end state (实现脱贫, 贫困县全部摘帽, 具备…特征): under a goals heading or a sentence opened by a
# goal date (到2020年，…) every clause with one is a milestone, not only the first (a list of states).
STATE_VERBS = ["实现", "具备", "全部", "达到", "进入", "基本消除", "全面消除", "消除"]
# What a goal's subject counts (2—3家标杆企业率先建成…): organisations, places and projects, not money or time
SUBJECT_COUNT_UNITS = ["家", "个", "所", "座", "项", "户", "村", "县", "市"]

# Duties given by frequency instead of a date (每月…开展校核, 按季度报送): a recurring deadline when one of
# DUTY_VERBS follows the frequency word in its clause.
FREQUENCY = {"每年度": "yearly", "每年": "yearly", "每半年": "half-yearly", "每季度": "quarterly",
             "每个季度": "quarterly", "每月": "monthly", "每个月": "monthly", "按年度": "yearly", "按年": "yearly",
             "按半年": "half-yearly", "按季度": "quarterly", "按季": "quarterly", "按月": "monthly",
             "逐月": "monthly", "逐季": "quarterly", "逐年": "yearly",
             "每6个月": "half-yearly", "每六个月": "half-yearly", "每3个月": "quarterly", "每三个月": "quarterly",
             "每12个月": "yearly", "每十二个月": "yearly",
             "年中和年末": "half-yearly", "年中和年底": "half-yearly", "半年和年末": "half-yearly",
             "半年和年底": "half-yearly"}  # 在年中和年末向国务院报告: twice a year
FREQUENCY_RULE = {"yearly": "every year", "half-yearly": "every half year", "quarterly": "every quarter",
                  "monthly": "every month"}
# An annual duty named by its noun after a verb (建立年度评估…, 制定年度和阶段性实施计划): yearly, no date.
ANNUAL_DUTY = r"(?:制定|建立|开展|组织|实行|编制)[^，。；、]{0,2}?年度[^，。；、]{0,5}?(?:评估|考核|自查|总结|计划)"
DUTY_VERBS = ["报送", "上报", "报告", "通报", "反馈", "更新", "公开", "公布", "发布", "披露", "开展", "评估", "检查", "考核",
              "统计", "结算", "清算", "校核", "监测", "分析", "提交", "汇总", "总结", "调度", "核查", "复核", "抽查"]

# Actions done by a date (a deadline), as against states reached by one (a milestone): 2019年上半年，…印发实施方案.
ACTION_VERBS = SUBMIT_VERBS + ["制定", "开展", "启动", "组织", "发布", "部署", "签订", "明确", "建立健全", "考核",
                               "巡查", "检查", "验收", "评估", "清理", "整改", "核查", "发放", "拨付", "下达"]

# A stated scale, cap or quota (规模为20万千瓦, 上限4200亿千瓦时): a target in a plan or notice, even with no
# goal verb; the words just before the number. A cap is at most, a floor at least.
SCALE_WORDS = ["总规模", "规模", "总量", "上限", "下限", "目标", "任务", "指标", "容量"]
SCALE_COMPARATOR = {"上限": "<=", "下限": ">="}

# Words that open a condition, not a goal: 若年底仍未达到…, 对于…的机组.
CONDITION_WORDS = ["若", "如果", "如", "对于", "凡", "对"]

# Words before a date that make it a goal to reach, not a task to do by then: 确保2025年底前实现….
GOAL_ASSURANCE = ["确保", "力争", "争取"]

# Recurrence words: 每年 -> yearly.
RECURRENCE = {"每年": "yearly", "每半年": "half-yearly", "每季度": "quarterly", "每个季度": "quarterly", "每月": "monthly", "每个月": "monthly",
              "次月": "monthly"}

# Five-year plans: "十五五" -> 2026..2030.
FIVE_YEAR_PLANS = {"一五": (1953, 1957), "二五": (1958, 1962), "三五": (1966, 1970), "四五": (1971, 1975),
                   "五五": (1976, 1980), "六五": (1981, 1985), "七五": (1986, 1990), "八五": (1991, 1995),
                   "九五": (1996, 2000), "十五": (2001, 2005), "十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025),
                   "十五五": (2026, 2030), "十六五": (2031, 2035)}

# --- document structure (extract/structure.py): what part of a text looks back and what looks ahead ----------

# Heading words of a part that reports the past: its numbers are statistics, its dates events.
REVIEW_SECTION = ["工作回顾", "回顾", "现状", "过去一年", "过去五年", "取得的成就", "主要成就", "发展成就", "重大成就",
                  "历史性成就", "发展基础", "现实基础", "发展现状", "基本情况", "工作总结", "主要成效", "工作成效",
                  "取得成效", "进展情况", "发展成效", "成绩", "执行情况"]
# Heading words of a part that states goals: what is under it is to be reached by the part's date.
GOAL_SECTION = ["主要目标", "发展目标", "总体目标", "工作目标", "预期目标", "目标任务", "阶段目标", "建设目标",
                "具体目标", "行动目标", "主要指标", "目标要求"]
# Heading words of a part that sets tasks: its quantities with action verbs are targets, its completions
# milestones, dated by the part's year or the text's period.
TASK_SECTION = ["重点任务", "主要任务", "重点工作", "工作安排", "工作重点", "工作任务", "工作部署", "总体部署",
                "重点举措", "主要举措", "政府工作", "今年工作", "的工作", "实施步骤", "进度安排", "重点领域", "重大工程",
                "重点工程", "专项行动"]
# A lead-in that opens a paragraph of goals in any part: 经济主要预期目标是：…, 今年发展的主要目标是：
GOAL_LEAD_IN = r"(?:主要|预期|发展|工作|总体|阶段性?)目标(?:是|为|包括)?[：:]"
# A lead-in that opens a paragraph reporting the past: 过去一年，…; 五年来，…; 2025年，我们…
REVIEW_LEAD_IN = r"^(?:过去(?:的)?[一二三四五两\d]+年|[一二三四五两\d]+年来|一年来|这[一二三四五两\d]+年|回顾过去)"
# A part or lead-in that lists the conditions a rule's beneficiaries meet (申报条件, 须同时符合以下条件：):
# its dates (项目需在2024年9月30日前开工) and numbers (建筑面积500平方米以上) say who qualifies, not what is due.
CONDITIONS_SECTION = (r"(?:申报|申请|支持|补贴|补助|奖励|资助|认定|准入|享受|基本|资格|参评|入选|评选|遴选|主体|对象|适用)"
                      r"[^，。；：:]{0,4}条件|条件要求|资格要求")
CONDITIONS_LEAD_IN = r"(?:以下|下列|如下|下述)(?:[^，。；]{0,6})?条件[^，。；]{0,8}[：:]$|条件(?:如下|为|是)[：:]$|" + CONDITIONS_SECTION + r"[：:]$"
# Verbs that make a quantity in a task part a target (实施重大项目1900多个, 开发岗位5000个): actions, not states.
TASK_VERBS = GOAL_VERBS + ["实施", "开发", "改造", "办好", "完成", "更新", "筹集", "转化", "引进", "建立", "组织", "发行",
                           "举办", "提高", "提升", "扩大", "增加", "新开工", "开工", "改建", "扩建", "安排", "吸纳",
                           "发放", "落实", "开通", "部署", "招收", "资助", "治理", "修复", "整治", "种植", "造林", "分别",
                           "提供", "配备", "推进"]
# What a document calls itself, read from its title and first lines: its kind and the default reading of it.
GENRE_WORDS = [
    ("work_report", r"政府工作报告|^各位代表"),
    ("interpretation", r"解读|答记者问|答问|问答|负责人就"),
    ("regulation", r"^(?!.*(?:规划|计划|方案|纲要|意见)).*(?:条例|办法|规定|细则|规则)|^第一条|国务院令$|^第\d+号令?$"),
    ("plan", r"规划|计划|方案|纲要|行动|意见|要点|指导"),
    ("notice", r"通知|公告|通告|函$|决定"),
]
# A completion of a named thing in a year's tasks (建成…平台, 完成…认定, …全覆盖): a milestone due that year.
# Reaching a stated goal in a year's tasks (实现国有企业改革和脱困三年目标, 如期实现…的目标): a completion too.
# not 奋力实现各项发展目标, 为实现…奋斗目标, 实现这一目标 (pointing back at a goal already stated)
GOAL_REACHED = r"(?<![为了])实现(?!各项|全年|这|上述)[^，。；]{2,24}(?<!奋斗|发展|宏伟)目标(?:任务)?(?=[，。；、]|$)"
COMPLETION_CUES = ["全面建成", "建成", "全面完成", "完成", "全覆盖", "投产", "投运", "竣工", "通车", "开通运营", "全部取消", "全面取消"]

# A date inside a condition says whom a rule applies to, not what is due (在2026年6月30日前缴清契税的，给予…;
# 对于2024年3月31日之前供应的…): the words that open such a clause before the date, and the nouns a 的 after
# the date qualifies.
CONDITION_OPENERS = ["对于", "对", "凡", "针对", "凡是", "符合", "属于"]
CONDITION_NOUNS = ["个人", "家庭", "居民", "企业", "职工", "购房人", "购房者", "人员", "项目", "住房", "房屋", "商品房",
                   "二手房", "用地", "土地", "机组", "合同", "贷款", "纳税人", "申请人", "群众", "人才", "人口", "毕业生",
                   "消费者", "单位"]
# Words that name the period a measure is in force (有效期至…, 自…至…期间，…可申请): at most a window, never a duty.
IN_FORCE_WORDS = ["有效期", "执行期", "执行期限", "实施期限", "实施期", "试行期", "试行时间", "政策期限", "执行至", "实施至", "施行至",
                  "购房时间", "购买时间", "网签时间", "备案时间", "注册时间", "成立时间", "活动期限", "活动时间",
                  "执行时间", "政策执行期", "使用期限", "阶段性", "开具时间", "支付时间", "签约时间", "交易时间", "登记时间",
                  "网签日期", "备案日期", "购房日期", "成交日期", "签约日期", "补贴期限", "补助期限", "奖励期限", "优惠期限",
                  "毕业时间", "落户时间", "入职时间", "延续至", "延续执行至", "政策实施时间",  # (毕业时间为2019年4月1日至2024年3月31日): who qualifies
                  "研究期限", "研究周期", "项目周期", "实施周期"]  # 研究期限应填写“2025年1月1日－2028年12月31日”: a project's period
# What a beneficiary does in a condition (…前缴清契税的, …期间购买商品住房的): a date these follow with a 的 after,
# or in a sentence that grants money, says whom the grant is for.
CONDITION_ACTS = ["购买", "购房", "网签", "签订", "缴清", "缴纳", "出售", "取得", "落户", "处于"]
# What a rule does for those who meet a condition (…的，由市财政给予…; …的可享受…).
GRANT_WORDS = ["由", "给予", "按", "可", "享受", "予以", "将", "不予", "不再"]
# Events a date names, not duties (8月11日至18日，…连续发生…事故; 房交会于…举办).
EVENT_WORDS = ["发生", "召开", "举行", "举办", "开幕", "闭幕", "放假", "调休"]
# A text naming itself: its own issue or entry into force is no deadline (本文件于2024年6月20日发布执行).
SELF_REFERENCE = r"本(?:文件|通知|办法|意见|措施|政策|公告|通告|规定|细则|方案)"

# A text named by its date (制定2030年前碳排放达峰行动方案): the verbs that make or carry out a text, and the
# nouns that end its name.
TEXT_VERBS = ["研究制定", "组织实施", "制定", "编制", "印发", "出台", "发布", "实施", "落实", "贯彻", "推进"]
TEXT_NOUNS = ["行动方案", "实施方案", "工作方案", "方案", "规划", "计划", "纲要", "指南", "要点"]
# A document to deliver by a date (…前制定…实施方案): a deadline whatever goal words its name holds.
DRAFTING_VERBS = ["制定", "编制", "出台", "印发", "修订", "起草"]
# What a rule may change a level by (监管资金比例可降低15%): a permission, not a goal.
CHANGE_VERBS = ["降低", "下调", "下浮", "上浮", "上调", "提高", "减少", "放宽", "延长", "增加"]
# Commitments (确保全年新增规上企业40户): a pledge word, then a goal verb, make the number a goal, dated or not.
PLEDGE_WORDS = ["确保", "力争", "争取"]
# Units that count how often a recurring duty is done (每年开展一次评估), not a quota to reach each period.
HOW_OFTEN_UNITS = ["次", "批", "轮", "期"]
# What a measure grants until a date (…前，对…纳税人予以退税优惠; …前，对…人才给予补贴): a period in force.
BENEFITS_GRANTED = ["退税", "减免", "免征", "优惠", "补贴", "补助", "奖励", "资助"]
# Words that name a clause's number a goal (经济增长速度的调控目标定为8%).
GOAL_NAMING = ["目标定为", "目标确定为", "目标设定为", "目标为", "目标是"]
