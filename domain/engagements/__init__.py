"""Third-party engagements (委托第三方评价): firms, their relations, engagements as events."""

from domain.engagements.aggregate import Engagement, FirmRecord, check_firm_code

__all__ = ["Engagement", "FirmRecord", "check_firm_code"]
