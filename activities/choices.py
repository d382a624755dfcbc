"""Fixed enumerations of the activities app: kinds of activity, the 主题党日's days, states, participant roles."""

from django.db import models


class ActivityKind(models.TextChoices):
    VOLUNTEER = "volunteer", "志愿服务"
    RESEARCH_DAY = "research_day", "主题调研日"
    LECTURE = "lecture", "大讲堂"
    FELLOWSHIP = "fellowship", "联谊活动"
    BASE_SERVICE = "base_service", "送服务进基地"
    PARTY_DAY = "party_day", "主题党日"
    FORUM = "forum", "党建论坛"
    BRIEFING = "briefing", "宣讲会"
    TRAINING = "training", "培训"
    OTHER = "other", "其他"


class PartyDayKind(models.TextChoices):
    """The days a 主题党日 is held as (the articles' 居民议事日, 聚善日, 公益招聘日)."""

    COUNCIL = "council", "居民议事日"
    CHARITY = "charity", "聚善日"
    JOBS = "jobs", "公益招聘日"
    OTHER = "other", "其他主题党日"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    HELD = "held", "已开展"
    CANCELLED = "cancelled", "已取消"


class ParticipantRole(models.TextChoices):
    ORGANIZER = "organizer", "组织者"
    VOLUNTEER = "volunteer", "志愿者"
    SPEAKER = "speaker", "主讲人"
    PARTICIPANT = "participant", "参与者"
