"""Number formats, fonts, fills and borders: one look for every sheet.

Inputs are blue, formulas black; sums have a rule above, totals a double rule
below; differences and statuses are coloured by conditional formats.
"""

from __future__ import annotations

import attrs
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

AMOUNT = "#,##0.00;-#,##0.00"
#: Amounts where zero means "nothing": shown blank (closing entries, optional lines).
AMOUNT_BLANK_ZERO = "#,##0.00;-#,##0.00;;@"
#: Whole kronor, as on the tax return.
WHOLE = "#,##0;-#,##0"
PERCENT = "0.00%"
CHANGE_PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
#: A difference smaller than half an öre counts as zero in the status formulas.
TOLERANCE = "0.005"

TITLE_FONT = Font(bold=True, size=14)
SUBTITLE_FONT = Font(italic=True, color="595959")
BOLD = Font(bold=True)
INPUT_FONT = Font(color="1F4E9F")
NOTE_FONT = Font(italic=True, color="595959")
LINK_FONT = Font(color="0563C1", underline="single")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
RESULT_FILL = PatternFill("solid", fgColor="FFF2CC")
BAD_FILL = PatternFill("solid", bgColor="FFC7CE")
GOOD_FILL = PatternFill("solid", bgColor="C6EFCE")
BAD_FONT = Font(color="9C0006")
GOOD_FONT = Font(color="006100")
THIN = Side(style="thin", color="808080")
SUM_BORDER = Border(top=THIN)
TOTAL_BORDER = Border(top=THIN, bottom=Side(style="double", color="808080"))
HEADER_BORDER = Border(bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
INDENT = Alignment(horizontal="left", indent=2)
RIGHT = Alignment(horizontal="right")
CENTER = Alignment(horizontal="center")


@attrs.frozen(slots=True)
class RowStyle:
    """How the cells of a row are dressed; ``None`` leaves that part as it is."""

    font: Font | None = None
    border: Border | None = None
    fill: PatternFill | None = None


#: A sum under a group of rows.
SUM_ROW = RowStyle(BOLD, SUM_BORDER)
#: A grand total: a rule above, a double rule below.
TOTAL_ROW = RowStyle(BOLD, TOTAL_BORDER)
#: A result the sheet exists to show: a total, shaded.
RESULT_ROW = RowStyle(BOLD, TOTAL_BORDER, RESULT_FILL)
#: A group heading's shading.
GROUP_ROW = RowStyle(fill=GROUP_FILL)
#: A rule above, the font left as it is.
RULED_ROW = RowStyle(border=SUM_BORDER)
