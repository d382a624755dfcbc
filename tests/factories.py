"""factory-boy factories for every model, in one place."""

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from registry.choices import RegionLevel
from registry.models import Region, User

TEST_PASSWORD = "Test-password-2026"


def last_year() -> int:
    """The year before the (Shanghai) current one: a year whose records are complete, whenever a test runs."""
    return timezone.localdate().year - 1


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{440300000 + n:09d}")
    name = factory.Sequence(lambda n: f"测试区划{n}")
    level = RegionLevel.CITY
    parent = None


def make_region_tree():
    """A city, a district, two streets (A, B) with two communities each and a grid."""
    city = RegionFactory(code="440300", name="深圳市", level=RegionLevel.CITY)
    district = RegionFactory(code="440309", name="龙华区", level=RegionLevel.DISTRICT, parent=city)
    tree = {"city": city, "district": district}
    for key, code, name in (("a", "440309002", "民治街道"), ("b", "440309006", "观澜街道")):
        street = RegionFactory(code=code, name=name, level=RegionLevel.STREET, parent=district)
        tree[f"street_{key}"] = street
        for i in (1, 2):
            community = RegionFactory(
                code=f"{code}{i:03d}", name=f"{name[:2]}{i}社区", level=RegionLevel.COMMUNITY, parent=street
            )
            tree[f"community_{key}{i}"] = community
        tree[f"grid_{key}"] = RegionFactory(
            code=f"{code}001001", name=f"{name[:2]}1第1网格", level=RegionLevel.GRID, parent=tree[f"community_{key}1"]
        )
    return tree


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    region = None
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


# ---- organizations ----
def valid_credit_code(n: int, category: str = "2") -> str:
    """A credit code with a correct GB 32100 check character, distinct for each n."""
    from registry.validators import credit_code_check_char

    first17 = f"5{category}440309MA{n:07d}"
    return first17 + credit_code_check_char(first17)


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Industry"
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试行业{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Organization"

    name = factory.Sequence(lambda n: f"深圳市龙华区测试社会组织{n}")
    credit_code = factory.Sequence(lambda n: valid_credit_code(n + 1000))
    kind = "service_institution"
    status = "normal"
    region = None
    contact_phone = "13812345678"


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.AnnualSurvey"

    organization = factory.SubFactory(OrganizationFactory)
    year = factory.LazyFunction(lambda: last_year())
    staff_count = 5
    party_member_count = 0
    mobile_party_member_count = 0


class PartyOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.PartyOrganization"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"中共测试党支部{n}")
    kind = "branch"
    tier = "grassroots"

    @factory.post_generation
    def covers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.set(extracted)


class LiaisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Liaison"

    name = factory.Sequence(lambda n: f"联络员{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Assignment"

    liaison = factory.SubFactory(LiaisonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "instructor"
    start_date = factory.LazyFunction(lambda: datetime.date(2024, 1, 1))


# ---- talents ----
def valid_id_number(birth="19850302", sequence=123, area="440309") -> str:
    """An ID number with a correct GB 11643 check character; an odd ``sequence`` is a man, an even one a woman."""
    from registry.validators import id_number_check_char

    first17 = f"{area}{birth}{sequence:03d}"
    return first17 + id_number_check_char(first17)


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "talents.Specialty"
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"专业特长{n}")


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "talents.Representative"

    name = factory.Sequence(lambda n: f"代表人士{n}")
    gender = "male"
    birth_date = factory.LazyFunction(lambda: datetime.date(1985, 3, 2))
    mobile = factory.Sequence(lambda n: f"137{n:08d}")
    status = "admitted"
    level = "district"
    region = None


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "talents.Evaluation"

    representative = factory.SubFactory(RepresentativeFactory)
    year = factory.LazyFunction(lambda: last_year())
    political_stance = 22
    deliberation = 20
    social_influence = 20
    duty_performance = 20
    evaluator = "区委统战部"


class ServiceGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "talents.ServiceGroup"

    name = factory.Sequence(lambda n: f"服务小组{n}")
    kind = "functional"
    region = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "talents.Membership"

    group = factory.SubFactory(ServiceGroupFactory)
    representative = factory.SubFactory(RepresentativeFactory)
    joined_on = factory.LazyFunction(lambda: datetime.date(2024, 1, 1))


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "talents.Training"

    title = factory.Sequence(lambda n: f"代表人士培训{n}")
    held_on = factory.LazyFunction(lambda: datetime.date(last_year(), 6, 1))
    organizer = "区委统战部"
    hours = 4
    region = None


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "talents.Nomination"

    representative = factory.SubFactory(RepresentativeFactory)
    kind = "cppcc"
    level = "district"
    year = factory.LazyFunction(lambda: last_year())
    outcome = "pending"


def local_datetime(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """An aware datetime at that Shanghai wall-clock time."""
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


class ActivityThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "activities.ActivityTheme"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"活动主题{n}")
    sort_order = factory.Sequence(lambda n: n)


class ActivityFactory(factory.django.DjangoModelFactory):
    """A volunteer activity held last year, 09:00–12:00, counted for 20 人次 and 60 hours."""

    class Meta:
        model = "activities.Activity"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"志愿服务活动{n}")
    kind = "volunteer"
    status = "held"
    start_at = factory.LazyFunction(lambda: local_datetime(last_year(), 3, 12, 9))
    end_at = factory.LazyAttribute(lambda a: a.start_at + datetime.timedelta(hours=3))
    region = None
    headcount = 20
    service_hours = 60
    beneficiaries = 100
    donation_amount = 0
    goods_value = 0

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "activities.Participation"

    activity = factory.SubFactory(ActivityFactory)
    representative = None
    name = factory.Sequence(lambda n: f"志愿者{n}")
    role = "volunteer"
    hours = 3


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Department"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"区承办单位{n}")
    kind = "district_body"
    contact_name = "张联络"
    contact_phone = "0755-23331234"


class OpinionCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.OpinionCategory"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"类别{n}")


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Consultation"

    topic = factory.Sequence(lambda n: f"居家养老专题协商会{n}")
    held_on = factory.LazyFunction(lambda: datetime.date(last_year(), 5, 20))
    host = "区委统战部"
    region = None


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Proposal"

    title = factory.Sequence(lambda n: f"关于完善社区居家养老服务的建议{n}")
    content = "建议在每个社区设立长者饭堂。"
    region = None
    submitted_on = factory.LazyFunction(lambda: datetime.date(last_year(), 5, 21))


class OpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Opinion"

    title = factory.Sequence(lambda n: f"关于老旧小区加装电梯的社情民意{n}")
    content = "居民反映加装电梯审批周期长。"
    region = None
    category = factory.SubFactory(OpinionCategoryFactory, name="城市建设")
    submitted_on = factory.LazyFunction(lambda: datetime.date(last_year(), 6, 1))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Meeting"

    held_on = factory.LazyFunction(lambda: datetime.date(last_year(), 3, 1))
    kind = "plenary"
    title = factory.Sequence(lambda n: f"社会组织统战工作联席会议第{n}次会议")
    region = None


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.Decision"

    title = factory.Sequence(lambda n: f"议定事项{n}")
    content = "各成员单位按职责推进。"
    region = None
    state = "accepted"
    submitted_on = factory.LazyFunction(lambda: datetime.date(last_year(), 3, 1))
