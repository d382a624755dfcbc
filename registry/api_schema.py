"""How the API describes itself: every operation's error answers, in the one error body (DEFAULT_SCHEMA_CLASS)."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

NOT_FOUND_MESSAGE = "记录不存在或不在您的管辖区域内。"


class ErrorSerializer(serializers.Serializer):
    """An error body: ``detail`` for the request as a whole, or one list of messages per field."""

    detail = serializers.CharField(required=False, help_text="错误原因")


class ApiSchema(AutoSchema):
    """Every operation documents the errors it can answer with, each in the one error body."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {"401": "未登录（会话或令牌）", "403": "没有该操作的权限"}
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            errors["400"] = "请求参数或提交的数据有误（按字段列出原因）"
        if "{" in self.path:
            errors["404"] = NOT_FOUND_MESSAGE
        if self.method == "DELETE":
            errors["409"] = "仍有关联记录，不能删除"
        for code, description in errors.items():
            responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code, direction=direction))
            responses[code]["description"] = description
        return responses
