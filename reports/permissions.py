"""Who pulls the statistics: whoever may export and has a region to report on (or sees every region).

A 承办单位联络人 may export the items handed to their unit but belongs to no region: a district's statistics are
not theirs to pull.
"""

import rules

from registry.permissions import is_unrestricted, may_export


@rules.predicate
def has_region(user) -> bool:
    return bool(getattr(user, "region_id", None))


may_pull_statistics = may_export & (has_region | is_unrestricted)

STATISTICS_PERMISSION = "reports.pull_statistics"
rules.add_perm(STATISTICS_PERMISSION, may_pull_statistics)
