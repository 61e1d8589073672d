"""Small value checkers with zod's semantics, for the schemas in colab/protocol/schemas.py.

Each checker is `check(value, path) -> cleaned value` and raises Invalid naming the
path of the first bad field. They mirror what the zod schemas in
src/jobs/protocol.ts accept: JSON numbers (never booleans, never NaN or infinite),
integers that are safe in JavaScript, string lengths in UTF-16 code units (as
JavaScript counts them), objects that drop unknown keys, and defaults for absent
keys.
"""
from __future__ import annotations

import copy
import math
import re
from typing import Any, Callable, Optional, Protocol

MISSING: Any = object()
OMITTED: Any = object()  # the "default" of an optional key: absent stays absent
MAX_SAFE_INTEGER = 2**53 - 1

_DATE = (
    r"(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:"
    r"(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))"
)
# zod's z.iso.datetime({ offset: true }): seconds required, any fraction, Z or +hh:mm.
DATETIME = re.compile(
    rf"^{_DATE}T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$", re.ASCII
)


class Invalid(ValueError):
    """A value that a schema refuses; `path` names the field ("sampling.top_p")."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or '(file)'}: {message}")
        self.path = path


class Check(Protocol):
    """A checker: `check(value, path) -> cleaned value`, raising Invalid."""

    def __call__(self, value: Any, path: str) -> Any:
        ...


class WithDefault:
    """A checker with the value an absent key takes (copied), for `obj`."""

    def __init__(self, inner: Check, value: Any) -> None:
        self.inner, self.default = inner, value

    def __call__(self, value: Any, path: str) -> Any:
        return self.inner(value, path)


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def js_length(text: str) -> int:
    """The length JavaScript gives a string: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def string(
    min_len: int = 0,
    max_len: Optional[int] = None,
    pattern: Optional[re.Pattern[str]] = None,
    message: str = "invalid string",
) -> Check:
    """A string, its length counted as JavaScript counts it, optionally matching `pattern`."""

    def check(value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise Invalid(path, f"expected string, received {type_name(value)}")
        n = js_length(value)
        if n < min_len:
            raise Invalid(path, f"too short: expected at least {min_len} characters")
        if max_len is not None and n > max_len:
            raise Invalid(path, f"too long: expected at most {max_len} characters")
        if pattern is not None and not pattern.match(value):
            raise Invalid(path, message)
        return value

    return check


def number(
    minimum: Optional[float] = None,
    maximum: Optional[float] = None,
    above: Optional[float] = None,
    integer: bool = False,
) -> Check:
    """A finite JSON number (never a boolean), in range; with `integer`, a safe integer."""

    def check(value: Any, path: str) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            raise Invalid(path, f"expected number, received {type_name(value)}")
        if integer and (float(value) != math.floor(float(value)) or abs(value) > MAX_SAFE_INTEGER):
            raise Invalid(path, "expected an integer")
        if minimum is not None and value < minimum:
            raise Invalid(path, f"too small: expected >= {minimum}")
        if above is not None and value <= above:
            raise Invalid(path, f"too small: expected > {above}")
        if maximum is not None and value > maximum:
            raise Invalid(path, f"too big: expected <= {maximum}")
        return int(value) if integer else value

    return check


def integer(minimum: Optional[int] = None, maximum: Optional[int] = None) -> Check:
    """zod's z.number().int(): a safe integer, in range."""
    return number(minimum, maximum, integer=True)


def enum(*options: str) -> Check:
    """One of `options`."""

    def check(value: Any, path: str) -> str:
        if not isinstance(value, str) or value not in options:
            raise Invalid(path, f"expected one of {'|'.join(options)}")
        return value

    return check


def same(a: object, b: object) -> bool:
    """JavaScript's `a === b` for JSON values read by Python (1.0 is 1; true is not 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def literal(expected: object) -> Check:
    """Exactly `expected`, as JavaScript's `===` compares."""

    def check(value: Any, path: str) -> object:
        if not same(value, expected):
            raise Invalid(path, f"expected {expected!r}")
        return expected

    return check


def nullable(inner: Check, default: Any = MISSING) -> Check:
    """`inner`, or null; `default` (if given) when the key is absent."""

    def check(value: Any, path: str) -> Any:
        return None if value is None else inner(value, path)

    return WithDefault(check, default)


def array(inner: Check, max_len: int, min_len: int = 0) -> Check:
    """A list of `min_len` to `max_len` items, each passing `inner`."""

    def check(value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise Invalid(path, f"expected array, received {type_name(value)}")
        if len(value) < min_len:
            raise Invalid(path, f"too small: expected at least {min_len} items")
        if len(value) > max_len:
            raise Invalid(path, f"too big: expected at most {max_len} items")
        return [inner(v, _join(path, i)) for i, v in enumerate(value)]

    return check


def record(inner: Check) -> Check:
    """zod's z.record(z.string(), inner): an object whose every value passes `inner`."""

    def check(value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Invalid(path, f"expected record, received {type_name(value)}")
        return {k: inner(v, _join(path, k)) for k, v in value.items()}

    return check


def default(inner: Check, value: Any) -> Check:
    """`inner`, or `value` (copied) when the key is absent."""
    return WithDefault(inner, value)


def optional(inner: Check) -> Check:
    """zod's .optional(): `inner`, or no key at all (an absent key stays absent; null is refused)."""
    return WithDefault(inner, OMITTED)


def obj(fields: dict[str, Check], refine: Optional[Callable[[dict[str, Any], str], None]] = None) -> Check:
    """An object schema: `fields` maps keys to checkers; unknown keys are dropped."""

    def check(value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Invalid(path, f"expected object, received {type_name(value)}")
        out = {}
        for key, inner in fields.items():
            absent = getattr(inner, "default", MISSING)
            if key in value:
                out[key] = inner(value[key], _join(path, key))
            elif absent is OMITTED:
                continue
            elif absent is not MISSING:
                out[key] = copy.copy(absent)
            else:
                raise Invalid(_join(path, key), "required")
        if refine:
            refine(out, path)
        return out

    return check


def time() -> Check:
    """An RFC 3339 time, as zod's z.iso.datetime({ offset: true }) accepts it."""
    return string(pattern=DATETIME, message="invalid ISO datetime")


def type_name(value: object) -> str:
    """What zod calls a value's type in its messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    names: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return names.get(type(value), type(value).__name__)
