"""A list and a table whose Enter is named in the footer ("Start call", "Open").

Enter is left to the focused widget (not a screen-wide priority key) so that keys typed quickly are handled
in order: a Down then an Enter opens the row below, never the one the cursor was on.
"""

from textual.binding import Binding
from textual.widgets import DataTable, OptionList


class ScenarioList(OptionList):
    """The scenarios on the home screen; Enter starts a call."""

    BINDINGS = [Binding("enter", "select", "Start call")]


class OpenTable(DataTable):
    """A table of calls or evidence; Enter opens the highlighted row."""

    BINDINGS = [Binding("enter", "select_cursor", "Open")]
