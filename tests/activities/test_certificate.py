"""志愿服务记录证明: what it lists and adds up, its running number, its fixed content, who may issue and see it."""

import re
import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from activities.certificates import certificate_issue
from activities.models import Activity, Participation, VolunteerCertificate
from registry.models import AccessLog
from tests.factories import (
    ActivityFactory,
    ParticipationFactory,
    RepresentativeFactory,
    UserFactory,
    last_year,
    local_datetime,
    valid_id_number,
)

pytestmark = pytest.mark.django_db

ID_NUMBER = valid_id_number(sequence=517)
NUMBER = re.compile(r"^龙华志证〔(\d{4})〕第(\d{6})号$")


@pytest.fixture
def person(tree):
    return RepresentativeFactory(name="张志愿", region=tree["community_a1"], id_number=ID_NUMBER)


def _served(person, *, title, when, hours, region, status="held", description=""):
    activity = ActivityFactory(title=title, start_at=when, region=region, status=status, description=description)
    ParticipationFactory(activity=activity, representative=person, hours=Decimal(hours))
    return activity


@pytest.fixture
def two_years(tree, person):
    """Three held activities over two years (7.5 hours), and what a certificate must leave out."""
    year = last_year()
    street = tree["street_a"]
    served = [
        _served(person, title="防汛巡查", when=local_datetime(year - 1, 7, 3, 9), hours="2.5", region=street),
        _served(person, title="敬老院义诊", when=local_datetime(year, 3, 12, 9), hours="3", region=street),
        # held by another street: still the person's service, and listed
        _served(person, title="社区议事会", when=local_datetime(year, 11, 30, 20), hours="2", region=tree["street_b"]),
    ]
    _served(
        person, title="计划中的活动", when=local_datetime(year, 12, 1, 9), hours="3", region=street, status="planned"
    )
    _served(person, title="只到场未计时", when=local_datetime(year, 5, 1, 9), hours="0", region=street)
    ParticipationFactory(activity=served[1], name="库外志愿者", hours=Decimal("3"))  # someone else's hours
    return served


def _issue(client, person, **data):
    return client.post(reverse("activities:volunteercertificate_issue", args=[person.pk]), data)


@pytest.mark.dates
def test_the_certificate_lists_every_held_activity_and_the_exact_total_over_two_years(
    client_a, person, two_years, street_a_user
):
    response = _issue(client_a, person, issuing_unit="民治街道办事处")
    certificate = VolunteerCertificate.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("activities:volunteercertificate_detail", args=[certificate.pk])
    assert [row["title"] for row in certificate.activities] == ["防汛巡查", "敬老院义诊", "社区议事会"]
    assert certificate.total_hours == Decimal("7.5") and certificate.activity_count == 3
    assert certificate.issued_by == street_a_user and certificate.volunteer_name == "张志愿"
    page = client_a.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200 and "志愿服务记录证明" in body and "（盖章）" in body
    for title in ("防汛巡查", "敬老院义诊", "社区议事会"):
        assert title in body
    assert "计划中的活动" not in body and "只到场未计时" not in body
    assert 'data-testid="certificate-total">7.5<' in body
    # the evening activity is dated by Shanghai's calendar, not UTC's
    assert f"{last_year()}-11-30 20:00" in body
    assert certificate.number in body and "民治街道办事处" in body and "可凭证明编号" in body


@pytest.mark.dates
def test_a_period_lists_only_its_own_activities(client_a, person, two_years):
    year = last_year()
    _issue(client_a, person, period_from=f"{year}-01-01", period_to=f"{year}-12-31", issuing_unit="民治街道办事处")
    certificate = VolunteerCertificate.objects.get()
    assert [row["title"] for row in certificate.activities] == ["敬老院义诊", "社区议事会"]
    assert certificate.total_hours == Decimal("5.0")
    assert certificate.period_display == f"{year}-01-01 至 {year}-12-31"


def test_the_issuing_unit_is_prefilled_from_the_issuers_region(
    client, person, two_years, street_a_user, district_admin
):
    url = reverse("activities:volunteercertificate_issue", args=[person.pk])
    client.force_login(street_a_user)
    assert client.get(url).context["form"].initial["issuing_unit"] == "民治街道办事处"
    client.force_login(district_admin)
    assert client.get(url).context["form"].initial["issuing_unit"] == "龙华区委统战部"
    _issue(client, person, issuing_unit="")  # left blank: the prefilled unit is required on the form
    assert not VolunteerCertificate.objects.exists()


@pytest.mark.dates
def test_numbers_run_on_without_repeats_and_the_database_refuses_a_repeat(person, two_years, street_a_user):
    issued = [certificate_issue(user=street_a_user, representative=person) for _ in range(4)]
    year = timezone.localdate().year
    parsed = [NUMBER.match(c.number) for c in issued]
    assert all(parsed) and {int(m.group(1)) for m in parsed} == {year}
    serials = [int(m.group(2)) for m in parsed]
    assert serials == list(range(serials[0], serials[0] + 4))
    assert [c.serial for c in issued] == serials
    first = issued[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        VolunteerCertificate.objects.create(
            number=first.number + "副本",
            year=first.year,
            serial=first.serial,
            representative=person,
            volunteer_name=person.name,
            issued_by=street_a_user,
            issuing_unit="民治街道办事处",
            total_hours=1,
            activity_count=1,
        )


@pytest.mark.django_db(transaction=True)
def test_issuers_at_the_same_moment_get_different_numbers(tree):
    person = RepresentativeFactory(name="并发志愿者", region=tree["community_a1"])
    _served(person, title="同时开具", when=local_datetime(last_year(), 3, 1), hours="1", region=tree["street_a"])
    issuer = UserFactory(username="concurrent_issuer", is_superuser=True, all_regions=True)
    start = threading.Barrier(4)
    numbers, errors = [], []

    def issue():
        try:
            start.wait()
            numbers.append(certificate_issue(user=issuer, representative=person).serial)
        except Exception as error:  # reported below: the assertion names it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [1, 2, 3, 4]


def test_the_certificate_keeps_what_it_said_after_the_records_change(client_a, person, two_years):
    _issue(client_a, person, issuing_unit="民治街道办事处")
    certificate = VolunteerCertificate.objects.get()
    url = reverse("activities:volunteercertificate_detail", args=[certificate.pk])
    Activity.objects.filter(pk=two_years[1].pk).update(title="改名后的活动")
    Participation.objects.filter(activity=two_years[1], representative=person).update(hours=Decimal("1"))
    person.name = "张改名"
    person.save()
    body = client_a.get(url).content.decode()
    assert "敬老院义诊" in body and "改名后的活动" not in body
    assert 'data-testid="certificate-total">7.5<' in body and "张志愿" in body
    certificate.refresh_from_db()
    assert certificate.total_hours == Decimal("7.5")


def test_the_database_refuses_to_edit_or_delete_a_certificate(person, two_years, street_a_user):
    certificate = certificate_issue(user=street_a_user, representative=person)
    with pytest.raises(DatabaseError), transaction.atomic():
        VolunteerCertificate.objects.filter(pk=certificate.pk).update(total_hours=100)
    with pytest.raises(DatabaseError), transaction.atomic():
        VolunteerCertificate.objects.filter(pk=certificate.pk).delete()
    certificate.refresh_from_db()
    assert certificate.total_hours == Decimal("7.5")


def test_another_streets_person_and_certificate_are_not_found(client, person, two_years, street_a_user, street_b_user):
    certificate = certificate_issue(user=street_a_user, representative=person)
    client.force_login(street_b_user)
    issue_url = reverse("activities:volunteercertificate_issue", args=[person.pk])
    assert client.get(issue_url).status_code == 404
    assert _issue(client, person, issuing_unit="观澜街道办事处").status_code == 404
    assert client.get(reverse("activities:volunteercertificate_detail", args=[certificate.pk])).status_code == 404
    assert client.get(f"/api/v1/activities/certificates/{certificate.pk}/").status_code == 404
    assert VolunteerCertificate.objects.count() == 1


def test_nothing_to_certify_is_refused_in_chinese_and_issues_nothing(client_a, person, two_years):
    year = last_year()
    response = _issue(
        client_a, person, period_from=f"{year - 5}-01-01", period_to=f"{year - 5}-12-31", issuing_unit="x"
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "张志愿在所选期间" in body and "没有已开展活动的志愿服务时长记录，无法开具证明" in body
    backwards = _issue(client_a, person, period_from=f"{year}-12-31", period_to=f"{year}-01-01", issuing_unit="x")
    assert backwards.status_code == 400 and "记录截止日期不能早于起始日期" in backwards.content.decode()
    bad_date = _issue(client_a, person, period_from="2025-13-01", issuing_unit="x")
    assert bad_date.status_code == 400 and "记录起始日期请填写有效日期" in bad_date.content.decode()
    assert not VolunteerCertificate.objects.exists()


def test_a_person_without_any_hours_gets_the_message_on_the_form(client_a, tree):
    newcomer = RepresentativeFactory(name="新人", region=tree["community_a1"])
    page = client_a.get(reverse("activities:volunteercertificate_issue", args=[newcomer.pk]))
    assert "尚无已开展活动的志愿服务时长记录" in page.content.decode()
    response = _issue(client_a, newcomer, issuing_unit="民治街道办事处")
    assert response.status_code == 400 and "新人在所选期间（全部记录）没有" in response.content.decode()


def test_the_clear_id_number_shows_only_to_a_permitted_user_and_is_logged(
    client, person, two_years, street_a_user, district_admin
):
    certificate = certificate_issue(user=street_a_user, representative=person)
    url = reverse("activities:volunteercertificate_detail", args=[certificate.pk])
    client.force_login(street_a_user)
    masked = client.get(url)
    assert ID_NUMBER not in masked.content.decode()
    assert f"{ID_NUMBER[:4]}**********{ID_NUMBER[-4:]}" in masked.content.decode()
    assert not AccessLog.objects.exists()

    client.force_login(district_admin)
    clear = client.get(url)
    assert ID_NUMBER in clear.content.decode() and clear["Cache-Control"] == "no-store"
    log = AccessLog.objects.get()
    assert log.user == district_admin and log.target_model == "activities.VolunteerCertificate"
    assert log.target_id == str(certificate.pk) and log.fields == "身份证号" and log.action == "reveal"


def test_read_only_roles_view_but_do_not_issue(client, person, two_years, street_a_user, analyst, viewer):
    certificate = certificate_issue(user=street_a_user, representative=person)
    person_page = reverse("talents:representative_detail", args=[person.pk])
    for user in (analyst, viewer):
        client.force_login(user)
        assert client.get(reverse("activities:volunteercertificate_detail", args=[certificate.pk])).status_code == 200
        assert client.get(reverse("activities:volunteercertificate_issue", args=[person.pk])).status_code == 403
        assert _issue(client, person, issuing_unit="龙华区委统战部").status_code == 403
        body = client.get(person_page).content.decode()
        assert certificate.number in body and "开具志愿服务记录证明" not in body
    assert VolunteerCertificate.objects.count() == 1


def test_the_person_page_lists_certificates_with_the_issue_button(client_a, person, two_years, street_a_user):
    certificate = certificate_issue(user=street_a_user, representative=person)
    body = client_a.get(reverse("talents:representative_detail", args=[person.pk])).content.decode()
    assert "开具志愿服务记录证明" in body
    assert reverse("activities:volunteercertificate_issue", args=[person.pk]) in body
    assert reverse("activities:volunteercertificate_detail", args=[certificate.pk]) in body


def test_the_list_filters_by_year_and_name(client_a, tree, person, two_years, street_a_user):
    other = RepresentativeFactory(name="李服务", region=tree["community_a2"])
    _served(other, title="植树", when=local_datetime(last_year(), 4, 1), hours="4", region=tree["street_a"])
    mine = certificate_issue(user=street_a_user, representative=person)
    theirs = certificate_issue(user=street_a_user, representative=other)
    url = reverse("activities:volunteercertificate_list")

    def listed(**params):
        return [c.pk for c in client_a.get(url, params).context["page"].objects]

    assert set(listed()) == {mine.pk, theirs.pk}
    assert listed(name="李服务") == [theirs.pk]
    assert listed(q="张志愿") == [mine.pk]
    assert set(listed(year=mine.year)) == {mine.pk, theirs.pk}
    assert listed(year=mine.year - 1) == []
    bad = client_a.get(url, {"year": "abcd"})
    assert bad.status_code == 200 and "请填写四位数字的年份" in bad.content.decode()


def test_the_api_reads_certificates_and_never_changes_them(client, person, two_years, street_a_user, superuser):
    certificate = certificate_issue(user=street_a_user, representative=person)
    detail = f"/api/v1/activities/certificates/{certificate.pk}/"
    client.force_login(street_a_user)
    read = client.get(detail).json()
    assert read["number"] == certificate.number and read["id_number"] != ID_NUMBER
    assert [row["title"] for row in read["activities"]] == ["防汛巡查", "敬老院义诊", "社区议事会"]
    client.force_login(superuser)
    patch = client.patch(detail, {"issuing_unit": "改"}, content_type="application/json")
    assert patch.status_code == 403 and "不能修改" in patch.json()["detail"]
    assert client.delete(detail).status_code == 403
    post = client.post("/api/v1/activities/certificates/", {}, content_type="application/json")
    assert post.status_code == 403
    certificate.refresh_from_db()
    assert certificate.issuing_unit == "民治街道办事处"
