"""The 统计报表 page's table cells, read from the topic that the workbook writes."""

from django import template

register = template.Library()


@register.filter
def cells(topic, row):
    return topic.cells(row)
