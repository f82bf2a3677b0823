"""Output models for long API lists, read straight from model rows.

ninja validates a response by reading every field of every row through a Python getter
that also looks for resolvers, managers and files; on a page of 50 rows of plain columns
that costs more than the query itself. A schema whose fields are all plain, non-null
``str``, ``int`` or ``bool`` columns of the same name needs none of it: this builds its
models directly, and ninja then only serialises them. The answer is the same, which the
tests check against ninja's own validation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel

SchemaT = TypeVar("SchemaT", bound=BaseModel)

_CASTS: dict[Any, Callable[[Any], Any]] = {str: str, int: int, bool: bool}


@lru_cache(maxsize=64)
def _plain_fields(schema: type[BaseModel]) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    fields = []
    for name, info in schema.model_fields.items():
        cast = _CASTS.get(info.annotation)
        if cast is None or (info.alias is not None and info.alias != name):
            raise TypeError(f"{schema.__name__}.{name} is not a plain str, int or bool field; "
                            "let ninja validate this schema")
        fields.append((name, cast))
    return tuple(fields)


def plain_models(schema: type[SchemaT], rows: Iterable[Any]) -> list[SchemaT]:
    """One ``schema`` model per row, each field read from the row's attribute of that name.

    Only for schemas of plain columns (``TypeError`` otherwise); a resolver on such a
    schema is not called, so it may do no more than the cast to the field's type (``str``
    of a choices value, for instance).
    """
    fields = _plain_fields(schema)
    models = []
    for row in rows:
        values = {name: getattr(row, name) for name, _ in fields}
        if None in values.values():
            # ninja would refuse the null; a cast would turn it into "None" or False.
            raise ValueError(f"{schema.__name__}: a null in a non-null field of "
                             f"{type(row).__name__} {getattr(row, 'pk', '')}")
        models.append(schema.model_construct(**{name: cast(values[name])
                                                for name, cast in fields}))
    return models
