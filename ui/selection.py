"""Which row of a selectable table is open, kept by the row's id. Streamlit reports a dataframe's
selection as row positions and keeps those positions when the rows change: a reading saved by another
doctor at the top of the worklist, or a case marked reviewed leaving an "Open" list, would put the same
position on another row, and its panel would open a case nobody chose. So a tick counts only when the
grid reports something other than what it was shown, and is read against the rows it was shown; and
the grid gets a new key (a fresh grid, ticked from the page's default) whenever its rows change or it
does not show the open row. (Setting a kept grid's selection from the server instead leaves the grid's
own state behind: the next click on the ticked row does nothing.) A fresh grid forgets a column sort the
user chose: the price of never opening the wrong case. Pure: no Streamlit."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Shown:
    """What a table showed in a run: its grid's widget key, its rows' ids in order, the positions ticked."""

    key: str
    ids: tuple
    ticked: tuple[int, ...]


def open_row(ids: Sequence[Hashable], opened: Hashable | None, shown: Shown | None,
             reported: Sequence[int] | None) -> tuple[Hashable | None, bool]:
    """The row open in this run, and whether the user picked it just now. ``opened``: the row open
    before; ``shown``: what the table showed in the last run that drew it (None: never drawn);
    ``reported``: the positions its grid reports now, in ``shown.ids`` (None: no report). A report
    equal to what was shown is no action (a row opened by the page stays open); an empty one is the
    user unticking. A row no longer among ``ids`` closes."""
    picked = False
    if shown is not None and reported is not None and tuple(reported) != shown.ticked:
        chosen = [shown.ids[r] for r in reported if 0 <= r < len(shown.ids)]
        now = chosen[0] if chosen else None
        picked = now is not None and now != opened and now in ids
        opened = now
    return (opened if opened in ids else None), picked


def grid_key(key: str, shown: Shown | None, ids: Sequence[Hashable], ticked: tuple[int, ...],
             reported: Sequence[int] | None) -> str:
    """The grid's widget key for this run: the one it had while its rows are the same and it shows
    ``ticked`` (or kept nothing, so that the default applies); otherwise a new one."""
    if shown is None:
        return f"{key}-0"
    if shown.ids == tuple(ids) and (reported is None or tuple(reported) == ticked):
        return shown.key
    return f"{key}-{int(shown.key.rsplit('-', 1)[1]) + 1}"
