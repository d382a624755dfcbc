"""Two representatives, one in each street, with numbers that are easy to look for in every output."""

import pytest

from tests.factories import RepresentativeFactory, valid_id_number

ID_A = valid_id_number("19850302", 123)  # a man born 1985-03-02
MOBILE_A = "13812345678"
ID_B = valid_id_number("19900615", 244, area="440306")  # a woman born 1990-06-15
MOBILE_B = "13987654321"


@pytest.fixture
def person_a(tree):
    return RepresentativeFactory(
        name="张建国", region=tree["community_a1"], id_number=ID_A, mobile=MOBILE_A, gender="male"
    )


@pytest.fixture
def person_b(tree):
    import datetime

    return RepresentativeFactory(
        name="李秀英",
        region=tree["community_b1"],
        id_number=ID_B,
        mobile=MOBILE_B,
        gender="female",
        birth_date=datetime.date(1990, 6, 15),
    )
