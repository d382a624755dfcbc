"""Who may do what in the representative pool, as named rules built on registry.permissions."""

from registry.permissions import holds, manages_level

may_view_pool = holds("talents.view_representative")
may_change_status = holds("talents.change_representative")
# merging keeps one record and retires the other: it edits one and, in effect, deletes one
may_merge_representatives = holds("talents.change_representative", "talents.delete_representative")
# a district-wide group or training is seen by a street, managed by the district
manages_group_or_training = manages_level
