"""绩效运行监控 (双监控): rounds, each project's answers, and the warnings the rules raise."""

from domain.monitoring.aggregate import MonitoringReport, MonitoringRound
from domain.monitoring.values import (
    Alert,
    Cause,
    Execution,
    Level,
    Likelihood,
    Line,
    Resolution,
    RoundRules,
    RoundStatus,
)

__all__ = [
    "Alert",
    "Cause",
    "Execution",
    "Level",
    "Likelihood",
    "Line",
    "MonitoringReport",
    "MonitoringRound",
    "Resolution",
    "RoundRules",
    "RoundStatus",
]
