"""Loaders of official files: one family, one shape.

Each loader takes a path (the file, or the zip its publisher ships it in), reads it through
:func:`proccodes.sources._files.read_input` (regular files only, bounded size), and returns typed,
dated records together with the release they come from. Defects in non-key fields are warnings
(the record kept, that field empty); structural damage is a :class:`~proccodes.DataError` naming
the file, the line and the field. Each module's docstring is the field table of its format.

| module | format |
| --- | --- |
| :mod:`proccodes.sources.hcpcs` | CMS HCPCS Level II, fixed-width, any year |
| :mod:`proccodes.sources.pfs` | CMS PFS relative value file (PPRRVU): CSV, TXT or zip |
| :mod:`proccodes.sources.rbcs` | CMS Restructured BETOS Classification System (RBCS), CSV |
| :mod:`proccodes.sources.ncci` | CMS NCCI PTP edits (tab-separated parts, zipped) and MUE tables |
| :mod:`proccodes.sources.localities` | CMS PFS GPCI, locality, anesthesia CF, OPPS cap CSVs |
"""
