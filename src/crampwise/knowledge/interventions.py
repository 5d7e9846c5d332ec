"""What an N-of-1 experiment can test, and how many nights to leave out after a switch.

``interventions.csv`` lists the items crampwise plans trials of, with the washout (the
nights at the start of a period that are not analysed, because the previous condition
may still act) and the basis of that number, each row with its source. An item that is
not listed is reported as unknown (with the closest names), never given a made-up washout.
"""

from __future__ import annotations

from functools import cache

from crampwise._record import Record
from crampwise.errors import UnknownNameError
from crampwise.knowledge import _close, _keys, read_table

__all__ = ["Intervention", "find_intervention", "interventions"]


class Intervention(Record):
    """An item an experiment can test; ``item`` is the regimen item name it is stored as."""

    id: str
    item: str
    kind: str
    washout_days: int
    aliases: tuple[str, ...]
    basis: str
    source: tuple[str, ...]


@cache
def interventions() -> dict[str, Intervention]:
    """Every listed intervention, by regimen item name."""
    out: dict[str, Intervention] = {}
    for r in read_table("interventions"):
        out[r["item"]] = Intervention(
            r["id"],
            r["item"],
            r["kind"],
            int(r["washout_days"]),
            _keys(r["aliases"]),
            r["basis"],
            _keys(r["source"]),
        )
    return out


def _key(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").replace("_", " ").split())


def find_intervention(name: str, field: str = "item") -> Intervention:
    """The intervention a typed name means ("Calcium", "calf stretching", "coconut-water");
    :class:`~crampwise.errors.UnknownNameError` naming the closest ones otherwise."""
    wanted = _key(name)
    names: dict[str, Intervention] = {}
    for entry in interventions().values():
        for alias in (entry.item, entry.id, *entry.aliases):
            names.setdefault(_key(alias), entry)
    found = names.get(wanted)
    if found is None:
        raise UnknownNameError(
            field,
            name,
            "item for an experiment",
            _close(wanted, list(names)) or sorted(interventions()),
        )
    return found
