"""The tracked-items API beyond CRUD: POST …/{id}/transition/ moves an item one step (lifecycle.transition)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from registry.api import ScopedViewSet, _as_drf_error

from .. import lifecycle
from . import serializers


class ItemViewSet(ScopedViewSet):
    """建言、社情民意、议定事项. The state changes only through POST …/{id}/transition/."""

    def get_serializer_class(self):
        if self.action == "transition":
            return serializers.TransitionInputSerializer
        return super().get_serializer_class()

    @extend_schema(request=serializers.TransitionInputSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """办理一步：筛选、交办、签收、开始办理、报告进展、答复、评价、办结、重新办理。

        不合规的环节返回 400，不做任何更改。"""
        item = self.get_object()
        payload = serializers.TransitionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        try:
            item = lifecycle.transition(user=request.user, item=item, **data)
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(self.serializer_class(item, context={"request": request}).data)
