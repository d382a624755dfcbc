"""Forms that start right: an evaluation offers a year the person has no evaluation for, and a year that is
taken is marked on the year field with the year named."""

import pytest
from django.urls import reverse
from django.utils import timezone

from talents.models import Evaluation
from tests.factories import EvaluationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def initial_year(client, person) -> int:
    response = client.get(reverse("talents:evaluation_create"), {"representative": person.pk})
    assert response.status_code == 200
    form = response.context["form"]
    return int(form["year"].value())


def test_a_new_evaluation_offers_last_year_then_the_next_missing_year(client_a, person_a):
    year = timezone.localdate().year
    assert initial_year(client_a, person_a) == year - 1
    EvaluationFactory(representative=person_a, year=year - 1)
    assert initial_year(client_a, person_a) == year
    EvaluationFactory(representative=person_a, year=year)
    assert initial_year(client_a, person_a) == year - 2


def test_a_taken_year_is_marked_on_the_year_field_with_the_year_named(client_a, person_a):
    year = timezone.localdate().year - 1
    EvaluationFactory(representative=person_a, year=year)
    data = {
        "representative": person_a.pk,
        "year": year,
        "political_stance": 20,
        "deliberation": 20,
        "social_influence": 20,
        "duty_performance": 20,
        "evaluator": "区委统战部",
    }
    response = client_a.post(reverse("talents:evaluation_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["year"] == [f"该代表人士{year}年度已有综合评价，请改选其他年度或打开那条评价修改。"]
    assert "__all__" not in errors
    assert "本年度" not in response.content.decode()
    assert Evaluation.objects.filter(representative=person_a).count() == 1
