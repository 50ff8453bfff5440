"""A statement PostgreSQL plans once per connection and then only executes.

The dashboard's body is one large statement (followups/dashboard/pg_body.py) whose planning took
longer than most of its parts take to run (about 2.8 of 9 ms at 10,000 contacts, EXPLAIN's
"Planning Time"); the contact page's three statements (contacts/page_statement.py, the cards'
in strategy and followups) cost PostgreSQL 2.3 ms of CPU a page to parse and plan, 0.4 ms
prepared. Neither psycopg2 nor Django prepares statements, so this does it in SQL: the first
time a connection runs the statement, the same round trip PREPAREs it; after that only EXECUTE
is sent. Its plan is the generic one (``plan_cache_mode`` for this statement only): the
parameters are the owner, a contact or the day's boundaries, and the plan's shape (which
indexes, the order of the joins) does not depend on them, so each execution would only re-plan
the same thing.

Prepared statements live on the server's session: behind a pooler that hands one client many
server sessions (PgBouncer in transaction mode) this must not be used. netcrm connects directly
(docker-compose.yml).
"""

from __future__ import annotations

import hashlib
import re
import weakref

from django.db import DatabaseError, connection

_PARAMETER = re.compile(r"%\((\w+)\)s")
# SQLSTATEs: no prepared statement of that name (invalid_sql_statement_name), one already
# (duplicate_prepared_statement).
NOT_PREPARED, ALREADY_PREPARED = "26000", "42P05"


class PreparedStatement:
    def __init__(self, name: str, sql: str):
        if "%" in _PARAMETER.sub("", sql):
            raise ValueError("a literal % would be read differently by PREPARE and by the driver")
        self.parameter_names = list(dict.fromkeys(_PARAMETER.findall(sql)))
        numbered = _PARAMETER.sub(lambda match: f"${self.parameter_names.index(match.group(1)) + 1}", sql)
        placeholders = ", ".join(["%s"] * len(self.parameter_names))
        self._execute = f"SET LOCAL plan_cache_mode = force_generic_plan; EXECUTE {name}({placeholders})"
        self._prepare_and_execute = f"PREPARE {name} AS {numbered};\n{self._execute}"
        self._prepared_on = weakref.WeakSet()  # the driver's connections that hold it

    def fetch(self, params: dict) -> list[dict]:
        """The rows, each a dict by column name. One round trip, the first time on a connection too."""
        names, rows = self.rows(params)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def rows(self, params: dict) -> tuple[tuple[str, ...], list[tuple]]:
        """The column names and the rows as the driver gives them, as ``fetch`` runs it."""
        values = [params[name] for name in self.parameter_names]
        with connection.cursor() as cursor:
            driver_connection = connection.connection
            prepared = driver_connection in self._prepared_on
            # Marked before it runs: PREPARE is not undone when what follows it fails.
            self._prepared_on.add(driver_connection)
            try:
                cursor.execute(self._execute if prepared else self._prepare_and_execute, values)
            except DatabaseError as error:
                # Something else (DISCARD ALL, DEALLOCATE) changed the session's statements.
                # Outside a transaction nothing is lost by asking again the other way.
                code = getattr(error.__cause__, "pgcode", None)  # Django wraps the driver's error
                if connection.in_atomic_block or code not in (NOT_PREPARED, ALREADY_PREPARED):
                    raise
                if code == NOT_PREPARED:
                    cursor.execute(self._prepare_and_execute, values)
                else:
                    cursor.execute(self._execute, values)
            return tuple(column.name for column in cursor.description), cursor.fetchall()


_POSITIONAL = re.compile(r"%s")
_COMPILED: dict[str, PreparedStatement] = {}


def run_compiled(prefix: str, sql: str, params) -> tuple[tuple[str, ...], list[tuple]]:
    """``sql`` as Django compiles it (``%s`` placeholders) with ``params``, prepared once per
    connection: one statement per distinct text, named ``prefix`` and the text's hash. Only for
    statements of a fixed set of shapes (the text follows from a queryset's shape, not from its
    parameters): each distinct text stays prepared for the life of the process and connection,
    so SQL with values written into it (Django writes LIMIT and OFFSET so) does not belong here."""
    statement = _COMPILED.get(sql)
    if statement is None:
        if "%%" in sql:
            raise ValueError("a literal % would be read differently by PREPARE and by the driver")
        count = iter(range(1, len(params) + 1))
        named = _POSITIONAL.sub(lambda match: f"%(p{next(count)})s", sql)
        name = f"{prefix}_{hashlib.sha1(sql.encode()).hexdigest()[:16]}"
        statement = _COMPILED.setdefault(sql, PreparedStatement(name, named))
    return statement.rows({f"p{index}": value for index, value in enumerate(params, start=1)})
