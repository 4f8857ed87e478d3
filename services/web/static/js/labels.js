// Chinese words for the API's codes.

export const KIND = { self: "单位自评", department: "部门评价", finance: "财政评价" };
export const STATUS = { draft: "草稿", submitted: "已提交", returned: "已退回", finalized: "已定稿" };
export const ROLE = { preparer: "填报人", evaluator: "评价人", reviewer: "审核人", auditor: "审计人员", admin: "管理员", finance: "财政审核人" };
export const ENTRY = {
  initial_budget: "年初预算", adjustment: "预算调整", received: "资金到位", expenditure: "支出", correction: "更正",
};
export const SOURCES = ["当年财政拨款", "上年结转资金", "其他资金"];
export const ACTION = {
  Started: "开始评价", IndicatorDefined: "定义指标", ActualRecorded: "录入实际完成值", IndicatorScored: "评分",
  LedgerFiguresSynced: "同步台账数据", DeductionApplied: "扣分", DeductionRevised: "修改扣分",
  DeductionWithdrawn: "撤销扣分", DeviationNoted: "偏差原因分析", StatedScoreRecorded: "表中得分",
  StatedTotalRecorded: "表中总分", StatusChanged: "状态变更", Registered: "登记", EntryRecorded: "台账记账",
  SummaryRecorded: "完成情况", StatementRecorded: "报表合计", ScoreJudged: "酌情给分", TemplateAdopted: "采用模板版本",
};
// a status change in a version list or a timeline says what happened, not “状态变更”
export const STATUS_ACT = { submitted: "提交", returned: "退回", finalized: "定稿", draft: "重新打开" };
export const actionOf = (c) => (c.action === "StatusChanged" && c.after?.status ? STATUS_ACT[c.after.status] : null)
  || ACTION[c.action] || c.action;

export const RULE = {
  proportional: "比例计分", bands: "分档计分", shortfall: "差额扣分", drop: "下降扣分", checklist: "要点计分",
  deadline: "时限", categorical: "分类评分", ratio: "完成比例", tiers: "三档评分", survey: "满意度", manual: "人工评分",
  judgement: "酌情给分",
};

export const has = (me, ...roles) => roles.some((r) => me.roles.includes(r));
