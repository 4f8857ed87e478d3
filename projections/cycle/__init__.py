"""绩效目标 and 绩效运行监控 as tables: declarations, monitoring rounds and each project's report
with its warning level — what the bureau lists and the parent bureau's dashboard read."""
