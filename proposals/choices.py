"""Fixed enumerations of tracked items: kinds, states, verdicts, adoption levels, department kinds, meetings."""

from django.db import models


class ItemKind(models.TextChoices):
    PROPOSAL = "proposal", "建言"
    OPINION = "opinion", "社情民意"
    DECISION = "decision", "联席会议议定事项"


class ItemState(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    NOT_ADOPTED = "not_adopted", "不予采纳"
    ACCEPTED = "accepted", "待交办"
    ASSIGNED = "assigned", "已交办"
    SIGNED = "signed", "已签收"
    HANDLING = "handling", "办理中"
    ANSWERED = "answered", "已答复"
    CONCLUDED = "concluded", "已办结"


# the states in which a department holds the item and its deadline runs
OPEN_AT_DEPARTMENT = (ItemState.ASSIGNED, ItemState.SIGNED, ItemState.HANDLING)
SETTLED = (ItemState.NOT_ADOPTED, ItemState.CONCLUDED)
# a department has signed for the item (and may since have answered it, or seen it concluded)
SIGNED_OR_LATER = (ItemState.SIGNED, ItemState.HANDLING, ItemState.ANSWERED, ItemState.CONCLUDED)
# the department's answer stands: waiting for the verdict, or concluded (a reopened item is handling again)
ANSWERED_OR_LATER = (ItemState.ANSWERED, ItemState.CONCLUDED)


class Progress(models.TextChoices):
    """办理进度, the item lists' filter behind the 承办单位办理情况 table's 已签收 and 已答复 columns."""

    SIGNED = "signed", "已签收（含其后各环节）"
    ANSWERED = "answered", "已答复（含已办结）"


PROGRESS_STATES = {Progress.SIGNED: SIGNED_OR_LATER, Progress.ANSWERED: ANSWERED_OR_LATER}


class Verdict(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class AdoptionLevel(models.TextChoices):
    """社情民意 被采用: the level of the body that took it up."""

    NONE = "", "未采用"
    DISTRICT = "district", "区级采用"
    CITY = "city", "市级采用"
    PROVINCE = "province", "省级及以上采用"


class InstructionLevel(models.TextChoices):
    """领导批示: the level of the leader who wrote an instruction on it."""

    NONE = "", "无批示"
    DISTRICT = "district", "区领导批示"
    CITY = "city", "市领导批示"
    PROVINCE = "province", "省级及以上领导批示"


class DepartmentKind(models.TextChoices):
    DISTRICT_BODY = "district_body", "区直部门"
    STREET = "street", "街道"
    MASS_ORGANIZATION = "mass_org", "群团组织"
    OTHER = "other", "其他单位"


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", "联席会议"
    OFFICE = "office", "办公室会议"
