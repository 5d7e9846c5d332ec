"""A tiny frozen-record base: what crampwise's records need from ``dataclasses``, without it.

Records are on the ``crampwise log`` path, and importing ``dataclasses`` costs ~12 ms there
(it pulls in ``inspect``, ``ast`` and ``dis``) - a third of Python's own start-up, paid at
3 a.m. for every cramp. A record only needs an ``__init__`` built from its annotated
fields (positional or keyword, with defaults), equality, hashing, a repr and immutability::

    class Relief(Record):
        method: str
        helped: str | None = None

Type checkers see a frozen dataclass (``dataclass_transform``), so mypy checks the
synthesized ``__init__``. At run time the fields are the annotation *names* in MRO order
(annotations stay unevaluated strings: no ``typing`` import). Defaults must be immutable
(there is no ``default_factory``: use ``()`` rather than a list). Records use ``__slots__``.
"""

from __future__ import annotations

# mypy treats any name TYPE_CHECKING as true; at run time this avoids importing typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar, dataclass_transform

    _R = TypeVar("_R", bound="Record")
else:

    def dataclass_transform(**_options):
        """Run-time stand-in: the real decorator only informs type checkers."""
        return lambda cls: cls


__all__ = ["FrozenRecordError", "Record", "record_to_dict", "replace"]

_MISSING = object()

#: Records built through the generic __init__, per class (then it is compiled).
_USES: dict[type, int] = {}
_VALUE_USES: dict[type, int] = {}  # the same, for _values
_COMPILE_AFTER = 40
_set = object.__setattr__


class FrozenRecordError(AttributeError):
    """A record's field was assigned or deleted (records are immutable)."""


@dataclass_transform(frozen_default=True)
class _RecordMeta(type):
    """Turns the annotated class attributes into fields, slots and defaults."""

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> _RecordMeta:
        own = tuple(namespace.get("__annotations__", ()))
        inherited: tuple[str, ...] = ()
        defaults: dict[str, Any] = {}
        for base in reversed(bases):
            base_fields = getattr(base, "__record_fields__", ())
            inherited += tuple(f for f in base_fields if f not in inherited)
            defaults.update(getattr(base, "__record_defaults__", {}))
        if set(own) & set(inherited):
            raise TypeError(f"{name}: a record cannot redeclare an inherited field")
        for field in own:
            if field in namespace:  # a default value; the slot replaces the class attribute
                defaults[field] = namespace.pop(field)
        fields = inherited + own
        seen_default = False
        for field in fields:
            if field in defaults:
                seen_default = True
            elif seen_default:
                raise TypeError(f"{name}: field {field!r} without a default follows one with")
        namespace["__slots__"] = own
        namespace["__record_fields__"] = fields
        namespace["__record_defaults__"] = defaults
        namespace["__match_args__"] = fields
        if "__init__" not in namespace and bases:  # compiled on first use: Record.__init__
            namespace["__init__"] = Record.__init__
        if "_values" not in namespace and bases:  # likewise, per class: Record._values
            namespace["_values"] = Record._values
        return super().__new__(mcs, name, bases, namespace, **kwargs)


class Record(metaclass=_RecordMeta):
    """Base of frozen records: fields are the annotated class attributes."""

    __slots__ = ()
    if TYPE_CHECKING:
        __record_fields__: ClassVar[tuple[str, ...]]
        __record_defaults__: ClassVar[dict[str, Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A class built many times gets its own compiled __init__ (see _compile_init): this
        # generic loop costs ~6 µs a record, a third of reading a diary. Compiling costs
        # 0.1-0.3 ms a class, though, and `crampwise log` builds a dozen classes a few times
        # each (~2 ms of compiling), so the first _COMPILE_AFTER records of a class use it.
        cls = type(self)
        uses = _USES.get(cls, 0) + 1
        _USES[cls] = uses
        fields = cls.__record_fields__
        if uses > _COMPILE_AFTER or len(args) > len(fields):
            _compile_init(cls)(self, *args, **kwargs)
            return
        values = dict(zip(fields, args, strict=False))  # fewer args than fields
        defaults = cls.__record_defaults__
        for name, value in kwargs.items():
            if name in values or name not in fields:  # the compiled __init__ says what
                _compile_init(cls)(self, *args, **kwargs)
                return
            values[name] = value
        if len(values) < len(fields):
            if any(f not in values and f not in defaults for f in fields):
                _compile_init(cls)(self, *args, **kwargs)  # a required field is missing
                return
            values = {f: values[f] if f in values else defaults[f] for f in fields}
        for name, value in values.items():
            _set(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        # Compiled per class once it is used often (as __init__ is): comparing two
        # snapshots of a diary compares thousands of records, and a getattr loop was most
        # of that; a class compared only a few times (the `log` path) never pays to compile.
        cls = type(self)
        uses = _VALUE_USES.get(cls, 0) + 1
        _VALUE_USES[cls] = uses
        if uses > _COMPILE_AFTER:
            values: tuple[Any, ...] = _compile_values(cls)(self)
            return values
        return tuple(getattr(self, f) for f in cls.__record_fields__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self.__record_fields__)
        return f"{type(self).__qualname__}({inner})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenRecordError(f"cannot assign {name!r}: records are immutable")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"cannot delete {name!r}: records are immutable")

    def __reduce__(self) -> tuple[type[Record], tuple[Any, ...]]:
        # copy, deepcopy and pickle rebuild through __init__ (slots and a frozen
        # __setattr__ rule out the default state protocol).
        return type(self), self._values()


def _compile_init(cls: type[Record]) -> Any:
    """Build ``cls.__init__`` from its fields (as dataclasses does), install it, return it.

    Done lazily, per class, rather than when the class is made: compiling costs ~50 µs a
    class, and ``crampwise log`` defines a dozen records but builds only two or three.
    """
    fields = cls.__record_fields__
    defaults = cls.__record_defaults__
    params = ", ".join(f"{f}=_d_{f}" if f in defaults else f for f in fields)
    # Each slot's own setter (it bypasses the frozen __setattr__ as object.__setattr__
    # does, without looking the name up: a fifth faster, and diaries build thousands).
    body = "".join(f"\n    _s_{f}(self, {f})" for f in fields) or "\n    pass"
    namespace: dict[str, Any] = {f"_s_{f}": getattr(cls, f).__set__ for f in fields}
    namespace.update({f"_d_{f}": value for f, value in defaults.items()})
    exec(f"def __init__(self, {params}):{body}", namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    setattr(cls, "__init__", init)  # noqa: B010 - installs the compiled method
    return init


def _compile_values(cls: type[Record]) -> Any:
    """Build ``cls._values`` (the field values as a tuple), install it, return it."""
    fields = "".join(f"self.{f}, " for f in cls.__record_fields__)
    namespace: dict[str, Any] = {}
    exec(f"def _values(self):\n    return ({fields})", namespace)
    values = namespace["_values"]
    values.__qualname__ = f"{cls.__qualname__}._values"
    setattr(cls, "_values", values)  # noqa: B010 - installs the compiled method
    return values


def replace(record: _R, /, **changes: Any) -> _R:
    """A copy of ``record`` with some fields changed (like ``dataclasses.replace``)."""
    cls = type(record)
    compiled = _REPLACES.get(cls)
    if compiled is not None and compiled[0].issuperset(changes):
        made: _R = compiled[1](record, changes)
        return made
    fields = record.__record_fields__
    if not changes.keys() <= set(fields):
        unknown = set(changes) - set(fields)
        raise TypeError(f"{type(record).__name__} has no field(s) {', '.join(sorted(unknown))}")
    uses = _REPLACE_USES.get(cls, 0) + 1
    _REPLACE_USES[cls] = uses
    if uses > _COMPILE_AFTER:  # as __init__: compiled once a class is copied often
        _compile_replace(cls)
    return cls(*[changes[f] if f in changes else getattr(record, f) for f in fields])


#: Per class copied often: its field names and a compiled copy-with-changes.
_REPLACES: dict[type, tuple[frozenset[str], Any]] = {}
_REPLACE_USES: dict[type, int] = {}


def _compile_replace(cls: type[Record]) -> None:
    """``cls(c.get("a", self.a), ...)``: the generic copy looked every field up by name
    and built a set of the fields for each call (8 µs an episode; validating a document
    copies each of its episodes once)."""
    fields = cls.__record_fields__
    args = "".join(f"g({f!r}, self.{f}), " for f in fields)
    namespace: dict[str, Any] = {"cls": cls}
    exec(f"def _replace(self, changes):\n    g = changes.get\n    return cls({args})", namespace)
    _REPLACES[cls] = (frozenset(fields), namespace["_replace"])


def record_to_dict(record: Record) -> dict[str, Any]:
    """The fields as a dict, shallow: nested records and tuples are left as they are."""
    return {f: getattr(record, f) for f in record.__record_fields__}
