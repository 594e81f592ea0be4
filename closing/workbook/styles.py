"""Number formats, fonts, fills and borders: one look for every sheet.

Inputs are blue, formulas black; sums have a rule above, totals a double rule
below; differences and statuses are coloured by conditional formats.
"""

from __future__ import annotations

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
