"""Plain words about a cramp (``calf left 8 3min``): the reader's part for words typed
without an option, loaded only when there are some (see :func:`read_details`)."""

from __future__ import annotations

from crampwise.plainwords import (
    _HELPED,
    _SEVERITY_WORDS,
    _WAVE_WORDS,
    MAX_WORDS,
    WORDS,
    _Match,
    _match,
    _norm,
    _or,
    _Reader,
)
from crampwise.timeparse import looks_like_time

__all__ = ["WordReader"]

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
_LONGEST = 4  # words in the longest phrase of the tables ("back-of-the-thigh")


def _is_number(word: str) -> bool:
    whole, dot, fraction = word.partition(".")
    return whole.isdecimal() and (not dot or fraction.isdecimal())


class WordReader(_Reader):
    """The reader, with plain words too."""

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
