"""Loaders of official files: one family, one shape.

Each loader takes a path (the file, or the zip its publisher ships it in), reads it through
`proccodes.sources._files.read_input` (regular files only, bounded size), and returns typed,
dated records together with the release they come from. Defects in non-key fields are warnings
(the record kept, that field empty); structural damage is a
[`DataError`][proccodes.DataError] naming
the file, the line and the field. Each module's docstring is the field table of its format.

| module | format |
| --- | --- |
| [`hcpcs`][proccodes.sources.hcpcs] | CMS HCPCS Level II, fixed-width, any year |
| [`pfs`][proccodes.sources.pfs] | CMS PFS relative value file (PPRRVU): CSV, TXT or zip |
| [`rbcs`][proccodes.sources.rbcs] | CMS Restructured BETOS Classification (RBCS), CSV |
| [`ncci`][proccodes.sources.ncci] | CMS NCCI PTP edits (tab-separated, zipped) and MUE tables |
| [`localities`][proccodes.sources.localities] | CMS GPCI, locality, anesthesia CF, OPPS cap CSVs |
"""
