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

Stdlib only and no ``re``: this is on the ``crampwise log`` path.
"""

from __future__ import annotations

from crampwise import vocab
from crampwise._record import Record
from crampwise.errors import InputError
from crampwise.timeparse import looks_like_time, parse_duration

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

_WOKE_WORDS = frozenset(("woke", "woken", "awoke", "awake", "woke-up", "woke-me", "wakened"))

#: Words that carry nothing for the record ("my left leg", "woke me up", "it helped").
_FILLER = frozenset(
    (
        *("a", "an", "the", "my", "me", "it", "i", "was", "is", "and", "with", "then", "also"),
        *("at", "in", "on", "of", "for", "to", "up", "just", "very", "really", "again"),
        *("leg", "legs", "cramp", "cramps", "cramped", "cramping", "muscle", "side"),
        *("helped", "help", "tried", "pain", "painful", "hurt", "hurts", "lasted", "long"),
    )
)

_DURATION_UNITS = frozenset(
    (
        *("s", "sec", "secs", "second", "seconds"),
        *("m", "min", "mins", "minute", "minutes"),
        *("h", "hr", "hrs", "hour", "hours"),
    )
)
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
_LONGEST = 4  # words in the longest phrase of the tables ("back-of-the-thigh")


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
    scored = sorted((_distance(word, c), c) for c in options)
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
            dict.fromkeys(v for k, vs in table.items() if _distance(word, k) <= allowed for v in vs)
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


def _is_number(word: str) -> bool:
    whole, dot, fraction = word.partition(".")
    return whole.isdecimal() and (not dot or fraction.isdecimal())


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

    # -- plain words ------------------------------------------------------------------------
    def words(self, tokens: list[str]) -> None:
        """Read plain words: each is tried as part of a time, a number with its unit, then
        as a muscle, side or relief."""
        self.seen += len(tokens)
        if self.seen > MAX_WORDS:
            left = max(0, len(tokens) - (self.seen - MAX_WORDS))
            extra = tokens[left:]
            tokens = tokens[:left]
            self.miss(
                WORDS,
                " ".join(extra),
                f"{len(extra):,} more words than the {MAX_WORDS} read; put long text in a note",
                code="too-long",
            )
        self.in_words = True
        i = 0
        while i < len(tokens):
            i = self.word(tokens, i)
        self.in_words = False

    def word(self, tokens: list[str], i: int) -> int:
        """Read the word at ``i`` (and the words that belong to it); the next index."""
        raw = tokens[i]
        word = _norm(raw)
        nxt = _norm(tokens[i + 1]) if i + 1 < len(tokens) else ""
        if not word:
            return i + 1
        # A time: "3am", "around 3 am", "30 min ago", "yesterday 23:30" (longest first).
        for n in range(min(4, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i : i + n])
            if n == 1 and _is_number(word):
                break  # a bare number is never a time
            if looks_like_time(phrase) and word != "now":
                self.put("at", phrase, phrase)
                return i + n
        if word == "now":
            return i + 1
        # Numbers: 8/10, 8 out of 10, 3min, 3 min, 3 waves, severity 8, 8.
        if word in _SEVERITY_WORDS and nxt:
            self.severity_value(tokens[i + 1])
            return i + 2
        if word in ("waves", "wave") and nxt.isdecimal():
            self.waves_value(nxt)
            return i + 2
        numerator, slash, _ = word.partition("/")
        if slash and numerator.isdecimal():
            self.severity_value(raw)
            return i + 1
        if _is_number(word):
            return self.number(tokens, i, word, nxt)
        if word[:1].isdecimal():
            if word.endswith("x") and word[:-1].isdecimal():
                self.waves_value(word[:-1])
                return i + 1
            self.duration_value(raw)
            return i + 1
        if word.startswith("x") and word[1:].isdecimal():
            self.waves_value(word[1:])
            return i + 1
        if word in _WOKE_WORDS:
            if not self.woke_conflict:
                self.put("woke", True, raw)
            return i + 1
        if ":" in word:  # stretch:a-lot, as --relief takes it
            self.relief_value(raw)
            return i + 1
        # Phrases first: "inner thigh", "back of the thigh", "pickle juice".
        for n in range(min(_LONGEST, len(tokens) - i), 1, -1):
            phrase = _norm(" ".join(tokens[i : i + n]))
            matches = _match(phrase, exact_only=True)
            if matches:
                self.accept(matches[0], " ".join(tokens[i : i + n]))
                return self.helped_after(tokens, i + n, matches[0])
        if word in _FILLER:
            return i + 1
        matches = _match(word)
        if len(matches) == 1:
            self.accept(matches[0], raw)
            return self.helped_after(tokens, i + 1, matches[0])
        if len(matches) > 1:  # "st": stretch or stand, or a muscle …
            if all(m.how == "exact" for m in matches):
                self.accept(matches[0], raw)
                return i + 1
            choices = tuple(v for m in matches for v in m.values)
            self.miss(WORDS, raw, f"could be {_or(choices)}", choices, "not-allowed")
            return i + 1
        if word in _HELPED:
            self.miss(
                WORDS,
                raw,
                "says how something helped; name what you tried first (stretch a lot)",
                code="invalid",
            )
            return i + 1
        self.miss(
            WORDS,
            raw,
            "not a detail I know (a muscle, a side, a severity 0-10, "
            "a duration like 3min, something tried)",
            code="not-allowed",
        )
        return i + 1

    def helped_after(self, tokens: list[str], i: int, match: _Match) -> int:
        """After a relief, how it helped: "stretched a lot", "walked a bit"."""
        if match.field != "reliefs" or i >= len(tokens) or len(match.values) != 1:
            return i
        for n in (2, 1):
            phrase = _norm(" ".join(tokens[i : i + n]))
            if i + n <= len(tokens) and phrase in _HELPED:
                self.relief(match.values[0], _HELPED[phrase][0], phrase)
                return i + n
        return i

    def number(self, tokens: list[str], i: int, word: str, nxt: str) -> int:
        """A bare number and what follows it: a unit, "waves", "/10", "out of 10"."""
        if nxt in _DURATION_UNITS:
            self.duration_value(f"{word}{nxt}")
            return i + 2
        if nxt in _WAVE_WORDS:
            self.waves_value(word)
            return i + 2
        if nxt == "/10" or (nxt.startswith("/") and nxt[1:].isdecimal()):
            self.severity_value(f"{word}{nxt}")
            return i + 2
        after = [_norm(t) for t in tokens[i + 1 : i + 3]]
        if after == ["out", "of"] and i + 3 < len(tokens):
            self.severity_value(f"{word}/{_norm(tokens[i + 3])}")
            return i + 4
        if word.isdecimal() and len(word) <= 2 and int(word) <= 10:
            if "severity" not in self.values:
                self.put("severity", int(word), word)
                return i + 1
            self.miss(
                WORDS,
                word,
                f"a second number after the severity {self.values['severity']}; for a "
                f"duration write {word}min, for waves {word} waves",
                code="conflict-with-field",
            )
            return i + 1
        self.miss(
            WORDS,
            word,
            f"not a severity (0-10); for a duration write it with a unit, like {word}min",
            code="out-of-range",
        )
        return i + 1

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
    reader = _Reader()
    words: list[str] = []
    for field, text in given:
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
