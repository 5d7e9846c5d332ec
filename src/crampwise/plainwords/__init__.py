"""A cramp's details as a half-asleep person types them, read leniently.

``calf left 8 3min``, ``calves``, ``lef``, ``8/10``, ``around 3am``, ``stretched a lot``:
:func:`read_details` turns plain words and loosely typed values into the diary's values,
and never raises. What it cannot read comes back as an :class:`Unread` - the field it
was meant for when that is clear, what was typed, and what it may have meant - so that
the cramp is saved first and the rest reported with how to fix it.

Accepted without asking: the exact values, everyday synonyms and plurals (``calves``,
``quads``, ``feet``), and prefixes that fit one value (``lef``, ``ham``). Typos
(``calff``) and ambiguous words (``thigh``: inner thigh, hamstring or quadriceps?) are
not guessed: they are reported with the candidates.

Stdlib only and no ``re``: this is on the ``crampwise log`` path. Reading words typed
without an option (the plain words themselves) is in :mod:`crampwise.plainwords.words`.
"""

from __future__ import annotations

from crampwise import vocab
from crampwise._record import Record
from crampwise.errors import InputError
from crampwise.timeparse import parse_duration

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "DETAIL_FIELDS",
    "MAX_WORDS",
    "WORDS",
    "Details",
    "Unread",
    "closest",
    "read_details",
    "unread",
]

#: The fields :func:`read_details` fills (``None`` in its input: a plain word, any field).
DETAIL_FIELDS: tuple[str, ...] = (
    "at",
    "night",
    "side",
    "muscles",
    "severity",
    "duration_min",
    "waves",
    "woke",
    "reliefs",
    "notes",
)

#: The field a word that fits no field is reported under.
WORDS = "details"

_SHOWN = 40  # how much of an unread value is repeated


class Unread(Record):
    """Something typed that was not read into the cramp.

    ``field`` is the neutral field it was meant for (``muscles``, ``severity``, ``at`` …)
    or ``details`` when no field fits; ``choices`` what it may have meant (one: a likely
    typo; several: an ambiguous word).
    """

    field: str
    value: str
    message: str  # what is wrong, to follow the value: "not a muscle I know; did you mean calf?"
    choices: tuple[str, ...] = ()
    code: str = "invalid"
    plain: bool = False  # typed among the plain words (not as the field's own value)


class Details(Record):
    """What was read: the values for the cramp, and what was not read."""

    at: str | None = None
    night: str | None = None
    side: str | None = None
    muscles: tuple[str, ...] = ()
    severity: int | None = None
    duration_min: float | None = None
    waves: int | None = None
    woke: bool | None = None
    reliefs: tuple[tuple[str, str | None], ...] = ()
    notes: str = ""
    unread: tuple[Unread, ...] = ()


# -- the words -----------------------------------------------------------------------------
#: Everyday words for each value (a word of several values is ambiguous: _AMBIGUOUS).
#: Values missing from the vocabulary are left out when the tables are built.
_MUSCLE_WORDS: dict[str, str] = {
    "calf": "calves calfs calf-muscle gastrocnemius gastroc soleus back-of-leg back-of-the-leg",
    "shin": "shins tibialis",
    "foot": "feet sole soles arch arches instep",
    "toes": "toe big-toe",
    "ankle": "ankles",
    "hamstring": "hamstrings hammy back-of-thigh back-of-the-thigh",
    "quadriceps": "quad quads quadricep front-of-thigh front-of-the-thigh",
    "inner-thigh": "innerthigh inside-thigh inside-of-thigh inner-thighs adductor adductors groin",
    "outer-thigh": "outerthigh outside-thigh outer-thighs it-band itband",
    "hip": "hips",
    "glute": "glutes buttock buttocks bum butt",
    "knee": "knees back-of-knee",
    "hand": "hands finger fingers",
    "abdomen": "belly stomach tummy abs",
}
_AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "thigh": ("inner-thigh", "hamstring", "quadriceps", "outer-thigh"),
    "thighs": ("inner-thigh", "hamstring", "quadriceps", "outer-thigh"),
}
_SIDE_WORDS: dict[str, str] = {
    "left": "l lt lft left-leg left-side",
    "right": "r rt rgt rite right-leg right-side",
    "both": "both-legs both-sides bilateral left-and-right",
}
_RELIEF_WORDS: dict[str, str] = {
    "stretch": "stretched stretching stretches",
    "stand": "stood standing stood-up got-up",
    "walk": "walked walking walked-around",
    "massage": "massaged massaging rubbed rub rubbing",
    "massage-device": "massage-gun massager theragun",
    "flex-foot": "flexed flex flexed-foot",
    "heat": "heat-pad heating-pad hot-water-bottle",
    "cold": "ice iced ice-pack",
    "shower": "showered hot-shower",
    "pickle-juice": "pickle pickles",
    "drink-water": "water drank-water drank",
    "painkiller": "painkillers",
    "waited": "wait waiting",
}
_HELPED_WORDS: dict[str, str] = {
    "a-lot": "alot lot lots much well great",
    "somewhat": "some bit a-bit a-little little partly slightly",
    "not": "no none nothing not-at-all didnt-help didn't-help useless",
}

_WAVE_WORDS = frozenset(("wave", "waves", "times", "x"))
_SEVERITY_WORDS = frozenset(("severity", "sev", "level", "pain", "score"))


def _table(
    words: dict[str, str],
    values: Sequence[str],
    ambiguous: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Word → values, with each value itself; meanings not in ``values`` dropped."""
    table: dict[str, tuple[str, ...]] = {value: (value,) for value in values}
    for value, synonyms in words.items():
        if value in values:
            table.update((word, (value,)) for word in synonyms.split() if word not in table)
    for word, meaning in (ambiguous or {}).items():
        kept = tuple(m for m in meaning if m in values)
        if kept and word not in table:
            table[word] = kept
    return table


_FIELDS: tuple[tuple[str, dict[str, tuple[str, ...]]], ...] = (
    ("muscles", _table(_MUSCLE_WORDS, vocab.MUSCLES, _AMBIGUOUS)),
    ("side", _table(_SIDE_WORDS, vocab.SIDES)),
    ("reliefs", _table(_RELIEF_WORDS, vocab.RELIEF_METHODS)),
)
_HELPED = _table(_HELPED_WORDS, vocab.RELIEF_HELPED)


def _norm(text: str) -> str:
    """Lower case, dashes for spaces and underscores, no surrounding punctuation."""
    word = "-".join(text.strip().lower().replace("_", " ").split())
    word = word.strip(",;!?()\"'")
    if word.endswith(".") and not word.endswith(("a.m.", "p.m.")):
        word = word.rstrip(".")
    return word.replace("’", "'")


def _cut(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def unread(field: str, value: str, message: str, code: str = "invalid") -> Unread:
    """An :class:`Unread` for a value the diary refused (cut to a readable length)."""
    return Unread(field, _cut(value), message, (), code)


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a swap of two neighbours counts once)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[len(b)]


def _near_length(a: str, b: str, allowed: int) -> bool:
    """Whether ``a`` and ``b`` may be ``allowed`` slips apart: each slip changes the length
    by one at most, so longer or shorter words need not be compared (a typo search
    compares with every name, ~20 µs each)."""
    return abs(len(a) - len(b)) <= allowed


def closest(word: str, candidates: Iterable[str]) -> list[str]:
    """The candidates a word is a prefix of (all of them), else those one or two typing
    slips away from it, nearest first."""
    if len(word) > _SHOWN:
        return []
    options = list(candidates)
    starts = [c for c in options if c.startswith(word)]
    if starts:
        return starts
    allowed = 1 if len(word) <= 5 else 2
    scored = sorted((_distance(word, c), c) for c in options if _near_length(word, c, allowed))
    return [c for d, c in scored if d <= allowed]


def _plural_stem(word: str, table: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    for suffix in ("es", "s"):
        if word.endswith(suffix) and word[: -len(suffix)] in table:
            return table[word[: -len(suffix)]]
    return None


class _Match(Record):
    """How a word matched a field's table."""

    field: str
    values: tuple[str, ...]  # one: accepted; several: ambiguous
    how: str  # "exact", "prefix" or "typo"


def _match(
    word: str, fields: Iterable[str] | None = None, *, exact_only: bool = False
) -> list[_Match]:
    """The fields a word fits, best kind of match first (exact words, then prefixes, then
    typos); every match of the best kind found. ``exact_only``: exact words only (phrases,
    whose typo search over every name costs tens of milliseconds on the ``log`` path)."""
    if len(word) > _SHOWN:  # no name is this long: no search through a 100 KB word
        return []
    tables = [(f, t) for f, t in _FIELDS if fields is None or f in fields]
    exact = []
    for field, table in tables:
        found = table.get(word) or _plural_stem(word, table)
        if found:
            exact.append(_Match(field, found, "exact"))
    if exact or exact_only:
        return exact
    prefix = []
    shortest = 1 if fields == ("side",) else 2  # "l" is left; "c" alone is too little
    if len(word) >= shortest:
        for field, table in tables:
            # The values' own names first: "lef" is left, though "left-and-right" is both.
            values = tuple(v for v in table if v == table[v][0] and v.startswith(word))
            if not values:
                values = tuple(
                    dict.fromkeys(v for k, vs in table.items() if k.startswith(word) for v in vs)
                )
            if values:
                prefix.append(_Match(field, values, "prefix"))
    if prefix:
        return prefix
    typos: list[_Match] = []
    if len(word) < 3:  # "b" is one letter from "l" and "r": no guess
        return typos
    allowed = 1 if len(word) <= 5 else 2
    for field, table in tables:
        values = tuple(
            dict.fromkeys(
                v
                for k, vs in table.items()
                if _near_length(word, k, allowed) and _distance(word, k) <= allowed
                for v in vs
            )
        )
        if values:
            typos.append(_Match(field, values, "typo"))
    return typos


#: How a field is named inside a message.
_NAMES = {
    "at": "time",
    "duration_min": "duration",
    "muscles": "muscle",
    "reliefs": "relief",
    "waves": "number of waves",
}


def _field_name(field: str) -> str:
    return {
        "muscles": "a muscle",
        "side": "a side",
        "reliefs": "something tried",
        "severity": "a severity",
        "duration_min": "a duration",
        "waves": "a number of waves",
    }.get(field, field)


class _Reader:
    """Collects values field by field; the first value of a single-valued field wins."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.muscles: list[str] = []
        self.reliefs: list[tuple[str, str | None]] = []
        self.notes: list[str] = []
        self.unread: list[Unread] = []
        self.woke_conflict = False
        self.in_words = False
        self.seen = 0

    def miss(
        self,
        field: str,
        value: str,
        message: str,
        choices: Sequence[str] = (),
        code: str = "invalid",
    ) -> None:
        self.unread.append(Unread(field, _cut(value), message, tuple(choices), code, self.in_words))

    def put(self, field: str, value: object, typed: str) -> None:
        """Set a single-valued field; left+right is both; a second, different value is
        reported and the first kept."""
        old = self.values.get(field)
        if old is None or old == value:
            self.values[field] = value
        elif field == "side" and {old, value} == {"left", "right"}:
            self.values[field] = "both"
        elif field == "woke":
            self.values[field] = None
            self.woke_conflict = True
            self.miss(
                field,
                typed,
                "both 'woke' and 'did not wake' were given; left unknown",
                code="conflict-with-field",
            )
        else:
            shown = f"{old:g}" if isinstance(old, float) else str(old)
            name = _NAMES.get(field, field)
            self.miss(
                field,
                typed,
                f"a second {name} after {shown}; kept {shown}",
                code="conflict-with-field",
            )

    # -- one field, from a value typed for it ------------------------------------------------
    def vocab_value(self, field: str, typed: str) -> None:
        """A side or a list of muscles (comma-separated), matched against the words."""
        parts = [typed] if field == "side" else typed.split(",")
        if not any(p.strip() for p in parts):
            self.miss(field, typed, "empty", code="required")
            return
        for part in parts:
            word = _norm(part)
            if not word:
                continue
            matches = _match(word, (field,))
            if not matches:
                allowed = vocab.SIDES if field == "side" else vocab.MUSCLES
                self.miss(
                    field,
                    part,
                    f"not {_field_name(field)} I know; allowed: {', '.join(allowed)}",
                    code="not-allowed",
                )
                continue
            self.accept(matches[0], part)

    def accept(self, match: _Match, typed: str) -> None:
        """Take a match when it is sure; report typos and ambiguous words."""
        field, values = match.field, match.values
        if match.how == "typo" or len(values) > 1:
            if len(values) > 1 and match.how != "typo":
                message = f"could be {_or(values)}"
                code = "not-allowed"
            else:
                message = f"not {_field_name(field)} I know; did you mean {_or(values)}?"
                code = "not-allowed"
            self.miss(field, typed, message, values, code)
            return
        value = values[0]
        if field == "muscles":
            if value not in self.muscles:
                self.muscles.append(value)
        elif field == "reliefs":
            self.relief(value, None, typed)
        else:
            self.put(field, value, typed)

    def relief(self, method: str, helped: str | None, typed: str) -> None:
        for i, (known, rating) in enumerate(self.reliefs):
            if known == method:
                if helped is not None and rating is None:
                    self.reliefs[i] = (method, helped)
                return
        self.reliefs.append((method, helped))

    def relief_value(self, typed: str) -> None:
        """``stretch:a-lot``, ``stretched:alot``, ``stretch a lot``, comma-separated."""
        if not typed.strip(" ,"):
            self.miss("reliefs", typed, "empty", code="required")
            return
        for part in typed.split(","):
            if not part.strip():
                continue
            method_text, colon, helped_text = part.partition(":")
            if not colon:  # "stretch a lot": the first word is the method
                words = method_text.split()
                method_text, helped_text = (words[0], " ".join(words[1:])) if words else ("", "")
            matches = _match(_norm(method_text), ("reliefs",))
            if not matches or matches[0].how == "typo" or len(matches[0].values) > 1:
                choices = matches[0].values if matches else ()
                hint = f"; did you mean {_or(choices)}?" if choices else ""
                self.miss(
                    "reliefs",
                    part,
                    f"{method_text.strip()!r} is not something tried I know{hint} "
                    f"(allowed: {', '.join(vocab.RELIEF_METHODS)})",
                    choices,
                    "not-allowed",
                )
                continue
            helped = None
            if helped_text.strip():
                helped_match = _HELPED.get(_norm(helped_text))
                if helped_match is None:
                    self.miss(
                        "reliefs",
                        part,
                        f"how it helped, {helped_text.strip()!r}, is not one of "
                        f"{', '.join(vocab.RELIEF_HELPED)}",
                        code="not-allowed",
                    )
                else:
                    helped = helped_match[0]
            self.relief(matches[0].values[0], helped, part)

    def severity_value(self, typed: str) -> None:
        words = typed.strip().lower().replace("/", " / ").split()
        if len(words) >= 3 and words[-2:] in (["/", "10"], ["of", "10"]):
            words = words[:1]
        elif words and words[0] in _SEVERITY_WORDS:
            words = words[1:]
        if len(words) == 1 and words[0].isdecimal() and len(words[0]) <= 3:
            number = int(words[0])
            if number <= 10:
                self.put("severity", number, typed)
                return
        self.miss(
            "severity",
            typed,
            "not a severity; give a whole number 0-10 (8 or 8/10)",
            code="out-of-range" if typed.strip().isdecimal() else "invalid",
        )

    def duration_value(self, typed: str) -> None:
        try:
            minutes = parse_duration(" ".join(typed.split()).replace(" ", ""))
        except InputError:  # reported, not raised
            minutes = None
        if minutes is None:
            self.miss("duration_min", typed, "not a duration; give minutes like 3, 3min, 90s")
            return
        if minutes > 24 * 60:
            self.miss(
                "duration_min",
                typed,
                f"{minutes:g} minutes is longer than a day; give the cramp's length",
                code="out-of-range",
            )
            return
        self.put("duration_min", minutes, typed)

    def waves_value(self, typed: str) -> None:
        words = [w for w in typed.lower().split() if w not in _WAVE_WORDS]
        if len(words) == 1 and words[0].isdecimal() and 1 <= int(words[0][:4]) <= 100:
            self.put("waves", int(words[0]), typed)
            return
        self.miss("waves", typed, "not a number of waves; give a whole number 1-100")

    def words(self, tokens: list[str]) -> None:
        """Read plain words: only a :class:`~crampwise.plainwords.words.WordReader` can
        (:func:`read_details` makes one when there are any)."""
        raise TypeError(f"{type(self).__name__} does not read plain words: {tokens!r}")

    def details(self) -> Details:
        values = self.values
        return Details(
            at=_str(values.get("at")),
            night=_str(values.get("night")),
            side=_str(values.get("side")),
            muscles=tuple(self.muscles),
            severity=values.get("severity"),  # type: ignore[arg-type]
            duration_min=values.get("duration_min"),  # type: ignore[arg-type]
            waves=values.get("waves"),  # type: ignore[arg-type]
            woke=values.get("woke"),  # type: ignore[arg-type]
            reliefs=tuple(self.reliefs),
            notes=" ".join(self.notes),
            unread=tuple(self.unread),
        )


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _or(values: Sequence[str]) -> str:
    if len(values) <= 1:
        return "".join(values)
    return f"{', '.join(values[:-1])} or {values[-1]}"


def read_details(given: Iterable[tuple[str | None, str]]) -> Details:
    """Read what was typed about a cramp: ``(field, text)`` pairs in the order typed, with
    field ``None`` for plain words (any field). Never raises; see :class:`Details`."""
    pairs = list(given)
    reader = _Reader()
    if any(field is None for field, _ in pairs):  # the plain-words part loads only then
        from crampwise.plainwords.words import WordReader

        reader = WordReader()
    words: list[str] = []
    for field, text in pairs:
        if field is None:
            words.extend(text.split())
            continue
        if words:
            reader.words(words)
            words = []
        if field in ("side", "muscles"):
            reader.vocab_value(field, text)
        elif field == "severity":
            reader.severity_value(text)
        elif field == "duration_min":
            reader.duration_value(text)
        elif field == "waves":
            reader.waves_value(text)
        elif field == "reliefs":
            reader.relief_value(text)
        elif field == "woke":
            if not reader.woke_conflict:
                reader.put("woke", text == "yes", text)
        elif field == "notes":
            reader.notes.append(text)
        elif field in ("at", "night"):
            reader.put(field, text, text)
        else:
            reader.miss(field, text, "not a detail of a cramp")
    if words:
        reader.words(words)
    return reader.details()


#: The most plain words read for one cramp (a pasted page is not a cramp's details).
MAX_WORDS = 40
