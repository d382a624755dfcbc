from registry.api import ApiRouter

from . import views

router = ApiRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("surveys", views.AnnualSurveyViewSet, basename="annualsurvey")
router.register("party-organizations", views.PartyOrganizationViewSet, basename="partyorganization")
router.register("liaisons", views.LiaisonViewSet, basename="liaison")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("pairings", views.PairingViewSet, basename="pairing")
router.register("venues", views.VenueViewSet, basename="venue")
router.register("industries", views.IndustryViewSet, basename="industry")

urlpatterns = router.urls
