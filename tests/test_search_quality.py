"""Search quality: what patients and billers type, and the code that must come up.

Each case is a query, the code expected, and how high it must rank: first, or within the top 3
where the words fit several codes equally well (a lay query without a region, a family name).
The queries mix lay words, billing abbreviations, body regions and misspellings. A failure here
is fixed in the search ranking or in a record's common names, not by weakening the case.
"""

from __future__ import annotations

import pytest

from proccodes import search

FIRST, TOP3 = 1, 3

CASES: list[tuple[str, str, int]] = [
    # discography and its imaging
    ("discogram", "62290", FIRST),
    ("discography lumbar", "62290", FIRST),
    ("disc dye test", "62290", FIRST),
    ("discograhy", "62290", FIRST),
    ("cervical discogram", "62291", FIRST),
    ("neck discography", "62291", FIRST),
    ("discogram reading lumbar", "72295", TOP3),
    ("cervical discogram supervision and interpretation", "72285", TOP3),
    # epidural and nerve-root injections
    ("lumbar ESI", "62323", TOP3),
    ("epidural steroid injection lower back", "62323", TOP3),
    ("epidurl steroid injection", "64483", TOP3),
    ("interlaminar epidural neck", "62321", TOP3),
    ("transforaminal epidural lumbar", "64483", FIRST),
    ("TFESI neck", "64479", TOP3),
    ("selective nerve root block lower back", "64483", TOP3),
    # facet joints and their nerves
    ("MBB lumbar", "64493", TOP3),
    ("medial branch block neck", "64490", TOP3),
    ("facet injection lower back", "64493", TOP3),
    ("RFA lower back", "64635", TOP3),
    ("nerve burning back", "64635", TOP3),
    ("radiofrequency ablation neck", "64633", TOP3),
    ("radiofrequncy ablation lumbar", "64635", TOP3),
    ("rhizotomy lumbar", "64635", TOP3),
    ("basivertebral nerve ablation", "64628", FIRST),
    ("Intracept", "64628", FIRST),
    # inside the disc
    ("IDET", "22526", FIRST),
    ("intradiscal electrothermal therapy", "22526", FIRST),
    ("nucleoplasty", "62287", FIRST),
    ("chemonucleolysis", "62292", FIRST),
    ("disc cell injection", "0627T", TOP3),
    ("unlisted spine procedure", "22899", FIRST),
    ("fibrin sealant disc", "22899", TOP3),
    ("annulogram", "22899", TOP3),
    # vertebral augmentation
    ("kyphoplasty lumbar", "22514", TOP3),
    ("balloon kyphoplasty thoracic", "22513", TOP3),
    ("kyphoplasy", "22514", TOP3),
    ("vertebroplasty lower back", "22511", TOP3),
    ("vertebroplasty neck", "22510", TOP3),
    # surgery
    ("TLIF", "22630", FIRST),
    ("PLIF", "22630", TOP3),
    ("ALIF", "22558", FIRST),
    ("posterolateral fusion lumbar", "22612", FIRST),
    ("360 fusion", "22633", TOP3),
    ("microdiscectomy", "63030", FIRST),
    ("microdiscetomy", "63030", FIRST),
    ("herniated disc surgery", "63030", TOP3),
    ("laminectomy spinal stenosis", "63047", FIRST),
    # conservative care and imaging
    ("traction table", "S9090", TOP3),
    ("VAX-D", "S9090", FIRST),
    ("mechanical traction", "97012", FIRST),
    ("physical therapy evaluation", "97161", TOP3),
    ("therapeutic exercise", "97110", FIRST),
    ("manual therapy", "97140", FIRST),
    ("lumbar MRI", "72148", TOP3),
    ("MRI lower back with contrast", "72149", TOP3),
    ("CT lumbar spine", "72131", TOP3),
    # spinal cord and peripheral nerve stimulation
    ("back stimulator", "63650", TOP3),
    ("spinal cord stimulator trial", "63650", FIRST),
    ("SCS battery replacement", "63685", FIRST),
    ("paddle lead", "63655", FIRST),
    ("spinal cord stimulater", "63650", TOP3),
    ("PNS", "64555", TOP3),
    # intrathecal drug pumps
    ("Medtronic pump", "62362", TOP3),
    ("baclofen pump", "62362", TOP3),
    ("morfine pump", "62362", TOP3),
    ("pain pump catheter", "62350", FIRST),
    # minimally invasive decompression
    ("mild procedure", "G0276", FIRST),
    ("endoscopic discectomy", "62380", FIRST),
    ("endoscopic discetomy", "62380", FIRST),
    # interspinous and interlaminar devices
    ("Superion", "22869", FIRST),
    ("coflex", "22867", FIRST),
    ("interspinous spacer", "22869", TOP3),
    # artificial disc replacement
    ("artifical disc", "22856", TOP3),
    ("ADR lumbar", "22857", FIRST),
    ("cervical disc arthroplasty", "22856", FIRST),
    # cervical fusion
    ("ACDF", "22551", FIRST),
    ("two level ACDF", "22552", TOP3),
    ("posterior cervical fusion", "22600", FIRST),
    # instrumentation and bone graft
    ("pedicle screws", "22842", TOP3),
    ("interbody cage", "22853", FIRST),
    ("bone graft allograft", "20930", FIRST),
    # sacroplasty
    ("sacroplasty", "0200T", FIRST),
    ("sacroplasty both sides", "0201T", FIRST),
    ("sacroplsty", "0200T", TOP3),
    # codes as billers type them
    (" 62290 ", "62290", FIRST),
    ("j2650", "J2650", FIRST),
    ("prednisolone acetate", "J2650", FIRST),
    # sacroiliac joint
    ("SI joint injection", "27096", FIRST),
    ("iFuse", "27279", FIRST),
    ("sacroilliac RFA", "64625", FIRST),
    # trigger points
    ("TPI", "20552", TOP3),
    ("trigger piont injections", "20552", TOP3),
    ("trigger point injections three muscles", "20553", TOP3),
    # sympathetic and occipital nerve blocks
    ("stellate ganglion block", "64510", FIRST),
    ("occiptal nerve block", "64405", FIRST),
    ("lumbar sympathetic block", "64520", FIRST),
    # epidural catheters and blood patch
    ("blood patch", "62273", FIRST),
    ("epidual blood patch", "62273", FIRST),
    ("thoracic epidural catheter", "62324", TOP3),
    ("epidural catheter lumbar", "62326", TOP3),
    # myelography
    ("mylogram lumbar", "62304", FIRST),
    ("myelogram neck", "62302", FIRST),
    ("spinal tap dye test", "62304", TOP3),
    ("total spine myelogram", "62305", FIRST),
]


def test_the_set_is_large_enough():
    assert len(CASES) >= 40
    assert len({q for q, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("query", "code", "within"), CASES, ids=[c[0] for c in CASES])
def test_query_ranks_the_expected_code(query, code, within):
    found = [p.code for p in search(query, limit=within)]
    assert code in found, f"{query!r}: expected {code} within the top {within}, got {found}"


@pytest.mark.parametrize(
    ("query", "primaries", "add_on"),
    [
        ("RFA", {"64628", "64633", "64635"}, "64629"),
        ("MBB", {"64490", "64493"}, "64491"),
        ("spinal fusion", {"22558", "22612", "22630", "22633"}, "22585"),
    ],
)
def test_add_on_codes_follow_their_primary_codes(query, primaries, add_on):
    found = [p.code for p in search(query)]
    assert add_on in found
    assert all(found.index(code) < found.index(add_on) for code in primaries), found


def test_a_typo_ranks_like_the_word():
    assert [p.code for p in search("epidurl steroid injection")] == [
        p.code for p in search("epidural steroid injection")
    ]
