"""Scorecards (评分表): each evaluation's indicator tree with scores, deductions, total, grade and flags."""
