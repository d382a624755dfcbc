"""显示: reveal one masked ID number or mobile of one record, for one response, always logged (PIPL)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render

from registry.choices import AccessAction
from registry.personal import can_reveal_personal, personal_kind, record_access

REASON_MAX = 200


class RevealMixin:
    """Put before an app's ObjectDetailView subclass: POST field=<column key>&reason=… shows that value in clear.

    The record comes through the detail view's own selector (another street's record is a 404).
    A holder of view_personal_data reveals with one click; anyone else who may reveal gives a
    reason. Every reveal writes an AccessLog row (who, whom, which field, reason, address), and
    the clear value is in this response only — never in the session or the page's later renders.
    An htmx request gets the field's fragment back; a plain form post the whole page.
    """

    http_method_names = ["post"]
    reveal_template_name = "includes/reveal_field.html"

    def post(self, request, *args, **kwargs):
        if not can_reveal_personal(request.user):
            raise PermissionDenied("您没有查看身份证号、手机号明文的权限。")
        obj = self.get_object()
        column = next((c for c in self.detail_fields if c.personal and c.key == request.POST.get("field")), None)
        if column is None:
            return HttpResponseBadRequest("未知的个人信息字段。")
        reason = " ".join((request.POST.get("reason") or "").split())
        row = self.field_row(column, obj, clear=False, reveal_url=request.path)
        row["reason"] = reason
        status = 200
        if not reason and row["reason_required"]:
            row["error"], status = "请填写查看事由：显示明文须说明用途，并记入访问日志。", 400
        elif len(reason) > REASON_MAX:
            row["error"], status = f"事由请控制在{REASON_MAX}字以内。", 400
        else:
            record_access(request=request, action=AccessAction.REVEAL, target=obj, fields=column.label, reason=reason)
            row.update(masked_text=row["text"], text=column.text(obj, clear_personal=True), revealed=True)
            # a revealed number is called from the phone in the field, not copied by hand
            row["dial"] = personal_kind(type(obj), column.key) in ("mobile", "phone") and row["text"] != "—"
        if request.headers.get("HX-Request") == "true":
            # htmx swaps only 2xx answers: the error comes back as a 200 fragment with the form still open
            response = render(request, self.reveal_template_name, {"field": row})
        else:
            context = self.get_context_data(**kwargs)
            context["field_rows"] = [row if r["key"] == column.key else r for r in context["field_rows"]]
            response = self.render_to_response(context, status=status)
        response["Cache-Control"] = "no-store"
        return response
