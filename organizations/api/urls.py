from registry import catalog

from . import views

urlpatterns = catalog.api_urls("organizations", ("industries", views.IndustryViewSet, "industry"))
