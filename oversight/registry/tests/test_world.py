from oversight.registry.models import Agency, Institution


def test_managing_authority_follows_the_level(world):
    assert world.school_a.managing_agency == world.committee_a
    assert world.school_b.managing_agency == world.committee_b
    assert world.high_a.managing_agency.kind == Agency.Kind.DEPARTMENT
    assert Institution.objects.count() == 3
