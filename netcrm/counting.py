"""A count as a subquery, shared by the apps' selectors (no business rules)."""

from django.db import models
from django.db.models import F, QuerySet, Subquery


class _CountRows(models.Func):
    """``COUNT(*)`` (or ``COUNT(DISTINCT field)``) as a subquery's only column. Not a Django
    aggregate, so the subquery gets no GROUP BY: always one row, 0 when nothing matches, and
    PostgreSQL counts the entries of an index range without grouping them first."""

    output_field = models.IntegerField()

    def __init__(self, distinct: str = ""):
        if distinct:
            super().__init__(F(distinct), template="COUNT(DISTINCT %(expressions)s)")
        else:
            super().__init__(template="COUNT(*)")


def count_of(queryset: QuerySet, distinct: str = "") -> Subquery:
    """``(SELECT COUNT(*) FROM … )`` of ``queryset`` as an expression (it may use OuterRef);
    with ``distinct``, the number of different values of that field instead."""
    return Subquery(queryset.order_by().annotate(total=_CountRows(distinct)).values("total"))
