"""Which table row is open (``ui.selection``): kept by id when the rows change under the grid's
positional selection, a tick read against the rows the user saw, a fresh grid when it must show
another row."""

from __future__ import annotations

import pytest

from ui.selection import Shown, grid_key, open_row

ROWS = (5, 4, 3)  # ids, newest first, as the worklist shows them


@pytest.mark.parametrize("ids, opened, shown, reported, expected", [
    # first drawing: nothing reported, the page's own choice stands
    (ROWS, None, None, None, (None, False)),
    (ROWS, 4, None, None, (4, False)),  # a row the page opened (state.open_row_key)
    # the user ticks a row: read against the rows shown
    (ROWS, None, Shown("t-0", ROWS, ()), (1,), (4, True)),
    (ROWS, 4, Shown("t-0", ROWS, (1,)), (2,), (3, True)),
    # the user unticks: closed
    (ROWS, 4, Shown("t-0", ROWS, (1,)), (), (None, False)),
    # another doctor saved reading 6: the grid still reports position 1, which was reading 4
    ((6, 5, 4, 3), 4, Shown("t-0", ROWS, (1,)), (1,), (4, False)),
    # ... and a tick made on the old rows as the new ones arrive is read against the old ones
    ((6, 5, 4, 3), None, Shown("t-0", ROWS, ()), (2,), (3, True)),
    # reading 4 marked reviewed leaves an "Open" list: closed, not the row that took its place
    ((5, 3), 4, Shown("t-0", ROWS, (1,)), (1,), (None, False)),
    # a row opened by the page while the grid shows nothing ticked: not taken for an untick
    (ROWS, 3, Shown("t-0", ROWS, ()), (), (3, False)),
    # a tick on a row that has left the list since: nothing opens, no focus asked for
    ((5, 3), None, Shown("t-0", ROWS, ()), (1,), (None, False)),
    # a report past the rows shown (a shorter list) picks nothing
    (ROWS, None, Shown("t-0", ROWS, ()), (7,), (None, False)),
    # the grid's state was dropped (the table not drawn for a run): the open row stays
    (ROWS, 5, Shown("t-0", ROWS, (0,)), None, (5, False)),
    # ids of any kind: the batch table's digests, the mistakes' file names
    (("b", "a"), "a", Shown("t-0", ("a", "b"), (0,)), (0,), ("a", False)),
])
def test_open_row(ids, opened, shown, reported, expected):
    assert open_row(ids, opened, shown, reported) == expected


@pytest.mark.parametrize("shown, ids, ticked, reported, expected", [
    (None, ROWS, (), None, "t-0"),  # first drawing
    (Shown("t-0", ROWS, (1,)), ROWS, (1,), (1,), "t-0"),  # nothing changed: the same grid (sort, focus kept)
    (Shown("t-0", ROWS, ()), ROWS, (2,), (2,), "t-0"),  # the user's own tick: the grid already shows it
    (Shown("t-0", ROWS, (1,)), ROWS, (1,), None, "t-0"),  # its state was dropped: the default applies
    (Shown("t-3", ROWS, (1,)), (6, 5, 4, 3), (2,), (1,), "t-4"),  # rows changed: a fresh grid
    (Shown("t-0", ROWS, ()), ROWS, (2,), (), "t-1"),  # the page opened a row the grid does not show ticked
    (Shown("t-0", ROWS, (1,)), (5, 3), (), (1,), "t-1"),  # its open row left: no tick on another row
    (Shown("wl_table-9", ROWS, ()), ROWS[::-1], (), (), "wl_table-10"),  # same rows, another order
])
def test_grid_key(shown, ids, ticked, reported, expected):
    assert grid_key(expected.rsplit("-", 1)[0], shown, ids, ticked, reported) == expected
