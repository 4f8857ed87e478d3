"""部门整体: the project that carries a bureau's spending of a year as a whole.

A bureau's 部门整体支出绩效评价 is an evaluation of one project of the bureau with this code (its
ledger: the department's whole budget — basic and project spending). Summaries of project
spending (the 部门决算 summary, roll-ups) leave it out: it is not a project's spending.
"""

WHOLE_CODE = "部门整体"
