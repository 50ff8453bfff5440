"""Set-based SQL the ORM has no method for (no business rules)."""

from __future__ import annotations

from django.db import connections, models
from django.db.models import F, Q
from django.db.models.deletion import (
    CASCADE,
    DO_NOTHING,
    PROTECT,
    RESTRICT,
    SET_NULL,
    ProtectedError,
    get_candidate_relations_to_delete,
)
from django.db.models.lookups import In, Lookup


class AnyOf(Lookup):
    """``column = ANY(%s)`` with the ids as one array parameter, on PostgreSQL; ``IN (…)`` elsewhere.
    Django's ``__in`` prepares each of a list's values on its own, which for the 500 users of a
    digest batch (and the 5,000 contacts they name) costs more than running the query.
    Use it as a filter: ``.filter(AnyOf(F("owner_id"), owner_ids))``, or ``any_of("owner_id", ids)``."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(%s)", (*lhs_params, list(self.rhs))


def any_of(field: str, values) -> AnyOf:
    """The filter "``field`` is one of ``values``" (ids), for long lists: see AnyOf."""
    return AnyOf(F(field), list(values))


def plan_for_short_queries(using: str = "default") -> None:
    """For the rest of the current transaction, plan each query for one process and without
    compiling it to machine code (PostgreSQL; elsewhere nothing to do). A batch job runs many
    queries over a few thousand rows each: a parallel plan pays tens of milliseconds to start its
    workers, each time, for scans that take a few, and those workers take the cores the job's own
    Celery workers are using; and such a query's estimated cost passes ``jit_above_cost``, so
    PostgreSQL spends 10-20 ms compiling it (measured on the digest's claim: a quarter of its
    largest query) to save less than that."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off")


def insert_select(model: type[models.Model], columns: tuple[str, ...], rows: models.QuerySet) -> int:
    """``INSERT INTO model (columns) SELECT … ON CONFLICT DO NOTHING`` in one statement, from
    ``rows``, a ``values_list`` whose values match ``columns`` in order; the rows a unique
    constraint already holds are skipped. Returns how many were inserted."""
    connection = connections[rows.db]
    select_sql, params = rows.order_by().query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    # "WHERE true" keeps SQLite from reading ON CONFLICT as the SELECT's join constraint.
    sql = f"INSERT INTO {table} ({names}) SELECT * FROM ({select_sql}) AS selected WHERE true ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def delete_cascading(selection: models.QuerySet) -> dict[str, int]:
    """Delete the rows of ``selection`` and every row that cascades from them, in one DELETE per
    table (each row set named by a subquery over its parents'), after one UPDATE per SET_NULL
    reference. Django's own collector would load every row and delete them 100 at a time.

    Like ``QuerySet.delete`` it follows the models' ``on_delete`` (CASCADE, SET_NULL, PROTECT /
    RESTRICT refuse with ProtectedError, DO_NOTHING), whichever app the models live in; unlike it,
    it sends no per-row signals, so a caller keeping caches in step bumps them itself.
    ``selection`` must stay the same while its dependants go: filter it by primary keys.
    Returns the rows deleted per model label."""
    plan = _CascadePlan(selection.model)
    if plan.guards:
        for child, field, parent in plan.guards:
            protecting = child._base_manager.filter(**{f"{field.attname}__in": plan.keys(parent, field, selection)})
            if child in plan.edges or child is selection.model:
                protecting = protecting.exclude(pk__in=plan.rows(child, selection).values("pk"))
            if protecting.exists():
                raise ProtectedError(f"Some {child._meta.verbose_name_plural} protect what would be deleted.", set())
    for child, field, parent in plan.nulls:
        referring = child._base_manager.filter(**{f"{field.attname}__in": plan.keys(parent, field, selection)})
        if child in plan.edges or child is selection.model:  # rows about to go need no update
            referring = referring.exclude(pk__in=plan.rows(child, selection).values("pk"))
        referring.update(**{field.name: None})
    deleted = {}
    for model in [*plan.order, selection.model]:
        rows = plan.rows(model, selection)
        deleted[model._meta.label] = rows._raw_delete(rows.db)
    return deleted


class _CascadePlan:
    """What deleting rows of ``root`` reaches: for each model, the (field, parent model) edges its
    doomed rows are found by; the models in an order where each comes before those it points to."""

    def __init__(self, root: type[models.Model]):
        self.root = root
        self.edges: dict[type[models.Model], list[tuple[models.Field, type[models.Model]]]] = {}
        self.nulls: list[tuple[type[models.Model], models.Field, type[models.Model]]] = []
        self.guards: list[tuple[type[models.Model], models.Field, type[models.Model]]] = []
        self.order: list[type[models.Model]] = []
        self._walk(root, on_path={root})

    def _walk(self, model, on_path):
        for relation in get_candidate_relations_to_delete(model._meta):
            field, child = relation.field, relation.related_model
            on_delete = field.remote_field.on_delete
            if on_delete is CASCADE:
                if child in on_path:
                    raise NotImplementedError(f"{child._meta.label} cascades back onto itself")
                first_visit = child not in self.edges
                self.edges.setdefault(child, []).append((field, model))
                if first_visit:
                    self._walk(child, on_path | {child})
                    self.order.append(child)
            elif on_delete is SET_NULL:
                self.nulls.append((child, field, model))
            elif on_delete in (PROTECT, RESTRICT):
                self.guards.append((child, field, model))
            elif on_delete is not DO_NOTHING:
                raise NotImplementedError(f"{field} has an on_delete this delete does not follow")

    def rows(self, model, selection: models.QuerySet) -> models.QuerySet:
        if model is self.root:
            return selection
        doomed = Q()
        for field, parent in self.edges[model]:
            doomed |= Q(**{f"{field.attname}__in": self.keys(parent, field, selection)})
        return model._base_manager.using(selection.db).filter(doomed)

    def keys(self, parent, field, selection: models.QuerySet) -> models.QuerySet:
        return self.rows(parent, selection).order_by().values(field.target_field.attname)


# Rows written at once past which the planner's statistics are refreshed straight away.
ANALYZE_AFTER_ROWS = 1000


def analyze(models_written, *, using: str = "default") -> None:
    """``ANALYZE`` the tables of ``models_written`` on PostgreSQL, as autovacuum would."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    tables = sorted({connection.ops.quote_name(model._meta.db_table) for model in models_written})
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def analyze_after_bulk_write(models_written, *, rows: int, using: str = "default") -> bool:
    """``analyze`` after ``rows`` were written in one go (an import, a restore). Autovacuum
    would, within a minute or so; until then a young database plans from the empty tables'
    statistics, and the dashboard's statement, planned for no reminders and no contacts, ran for
    minutes over thousands. True when it ran."""
    if connections[using].vendor != "postgresql" or rows < ANALYZE_AFTER_ROWS:
        return False
    analyze(models_written, using=using)
    return True
