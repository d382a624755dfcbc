"""Routes of the representative pool API."""

from registry.api import ApiRouter

from . import views

router = ApiRouter()
router.register("representatives", views.RepresentativeViewSet, basename="representative")
router.register("status-changes", views.StatusChangeViewSet, basename="statuschange")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")
router.register("nominations", views.NominationViewSet, basename="nomination")
router.register("trainings", views.TrainingViewSet, basename="training")
router.register("service-groups", views.ServiceGroupViewSet, basename="servicegroup")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("specialties", views.SpecialtyViewSet, basename="specialty")

urlpatterns = router.urls
