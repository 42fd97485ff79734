"""The CPT modifiers: their two-character codes, with short titles in proccodes' own words.

A modifier is two characters added to a procedure code on a claim line. Two lists exist:

- **CPT modifiers** (the AMA's, listed here): two digits (``25``, ``59``), the Category II
  performance-measure modifiers (``1P``, ``2P``, ``3P``, ``8P``) and the anesthesia physical
  status modifiers ``P1``-``P6``. The AMA's own texts for them are not shipped: the titles
  below are proccodes' words.
- **HCPCS Level II modifiers** (CMS's, public domain): letters, or a letter and a digit
  (``LT``, ``TC``, ``XS``, ``F5``). They come with their official texts from CMS's HCPCS file
  (`proccodes.Catalog.modifiers`), not from this list. ``P1``-``P6``
  are in both lists.

>>> CPT_MODIFIER_TITLES["59"]
'Distinct procedure, separate from the others that day'
>>> is_cpt_modifier("1p"), is_cpt_modifier("LT")
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["CPT_MODIFIER_TITLES", "is_cpt_modifier"]

CPT_MODIFIER_TITLES: Mapping[str, str] = MappingProxyType(
    {
        "22": "More work than the procedure usually takes",
        "23": "General anesthesia where usually none or local",
        "24": "Unrelated E/M visit in a postoperative period",
        "25": "Separate significant E/M visit, same day as a procedure",
        "26": "Professional part only",
        "27": "Several hospital outpatient E/M encounters, same day",
        "32": "Service required by a payer or other party",
        "33": "Preventive service",
        "47": "Anesthesia given by the surgeon",
        "50": "Both sides, same session",
        "51": "Several procedures, same session",
        "52": "Service cut short at the physician's choice",
        "53": "Procedure stopped for the patient's safety",
        "54": "Surgery only, without the care before and after",
        "55": "Care after surgery only",
        "56": "Care before surgery only",
        "57": "Visit at which surgery was decided",
        "58": "Planned or more extensive follow-on procedure after surgery",
        "59": "Distinct procedure, separate from the others that day",
        "62": "Two surgeons, each doing a part",
        "63": "Procedure on an infant under 4 kg",
        "66": "Surgical team",
        "73": "Outpatient or ASC procedure stopped before anesthesia",
        "74": "Outpatient or ASC procedure stopped after anesthesia began",
        "76": "Procedure repeated by the same physician",
        "77": "Procedure repeated by another physician",
        "78": "Unplanned return to the operating room after surgery",
        "79": "Unrelated procedure in a postoperative period",
        "80": "Assistant surgeon",
        "81": "Minimal help from an assistant surgeon",
        "82": "Assistant surgeon when no qualified resident was available",
        "90": "Test done by an outside laboratory",
        "91": "Laboratory test repeated the same day",
        "92": "Laboratory test on a portable kit",
        "93": "Service over real-time audio only",
        "95": "Service over real-time audio and video",
        "96": "Habilitative service",
        "97": "Rehabilitative service",
        "99": "Several modifiers apply",
        "1P": "Measure exclusion: a medical reason",
        "2P": "Measure exclusion: the patient's reason",
        "3P": "Measure exclusion: a system reason",
        "8P": "Measure action not done, reason not given",
        "P1": "Anesthesia physical status: healthy",
        "P2": "Anesthesia physical status: mild systemic illness",
        "P3": "Anesthesia physical status: severe systemic illness",
        "P4": "Anesthesia physical status: illness a constant threat to life",
        "P5": "Anesthesia physical status: not expected to survive without surgery",
        "P6": "Anesthesia physical status: brain-dead organ donor",
    }
)
"""The CPT modifiers' codes, each with a short title in proccodes' own words."""


def is_cpt_modifier(text: str) -> bool:
    """Whether ``text`` (any case, surrounding spaces ignored) is a CPT modifier.

    >>> is_cpt_modifier("25"), is_cpt_modifier(" 8p "), is_cpt_modifier("XS")
    (True, True, False)
    """
    return isinstance(text, str) and text.strip().upper() in CPT_MODIFIER_TITLES
