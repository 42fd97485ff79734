"""Search quality: what patients and billers type, and the code that must come up.

Each case is a query, the code expected, and how high it must rank: first, or within the top 3
where the words fit several codes equally well (a lay query without a region, a family name).
The queries mix lay words, billing abbreviations, body regions and misspellings. A failure here
is fixed in the search ranking or in a record's common names, not by weakening the case.

The curated cases run on the default catalog and again with every 2026 HCPCS Level II code
merged in, so that they hold as the catalog grows. Codes without a curated record (drugs,
supplies and equipment by their CMS names) are searched in that larger catalog only.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from proccodes import Catalog, Procedure, default_catalog
from proccodes._search import SearchIndex
from proccodes.sources.hcpcs import load_hcpcs

from .conftest import SHARED

FIRST, TOP3 = 1, 3
HCPCS_2026 = SHARED / "data" / "cms-hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip"

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
    # the same, in other words
    ("disc injection test", "62290", TOP3),
    ("provocative discography", "62290", FIRST),
    ("caudal epidural", "62323", TOP3),
    ("interlaminar ESI lumbar", "62323", TOP3),
    ("ILESI", "62321", TOP3),
    ("SNRB lower back", "64483", FIRST),
    ("pinched nerve injection neck", "64479", FIRST),
    ("facet joint injection neck", "64490", FIRST),
    ("lumbar facet block", "64493", FIRST),
    ("Z-joint injection", "64493", TOP3),
    ("facet rhizotomy lumbar", "64635", FIRST),
    ("cooled RFA SI joint", "64625", FIRST),
    ("lateral branch block", "64451", FIRST),
    ("SI joint fusion", "27279", TOP3),
    ("open SI joint fusion", "27280", FIRST),
    ("SI-BONE", "27279", FIRST),
    ("iFuse implant", "27279", FIRST),
    ("BVN ablation", "64628", FIRST),
    ("vertebrogenic pain", "64628", FIRST),
    ("Intracept procedure", "64628", FIRST),
    ("compression fracture treatment", "22510", TOP3),
    ("bone cement injection lower back", "22511", TOP3),
    ("BKP", "22513", TOP3),
    ("annuloplasty", "22526", FIRST),
    ("percutaneous discectomy", "62287", FIRST),
    ("PLDD", "62287", FIRST),
    ("Discseel", "22899", FIRST),
    ("chymopapain", "62292", FIRST),
    ("stem cell disc injection", "0627T", TOP3),
    ("disc allograft CT guided", "0629T", TOP3),
    ("spinal headache treatment", "62273", FIRST),
    ("PDPH", "62273", FIRST),
    ("CSF leak patch", "62273", FIRST),
    ("epidural drip", "62324", TOP3),
    ("CT myelogram lower back", "62304", TOP3),
    ("slipped disc surgery", "63030", FIRST),
    ("pinched nerve surgery", "63030", FIRST),
    ("spinal stenosis surgery", "63047", FIRST),
    ("two-level laminectomy", "63048", FIRST),
    ("GON block", "64405", FIRST),
    ("migraine nerve block", "64405", FIRST),
    ("PTSD injection", "64510", FIRST),
    ("CRPS leg block", "64520", FIRST),
    ("muscle knot injection", "20552", TOP3),
    ("myofascial release", "97140", FIRST),
    ("spinal manipulation", "97140", FIRST),
    ("core strengthening", "97110", FIRST),
    ("PT eval", "97161", TOP3),
    ("lumbar traction", "97012", FIRST),
    ("spinal decompression table", "S9090", FIRST),
    ("DRX9000", "S9090", FIRST),
    ("lumbar MRI with and without contrast", "72158", FIRST),
    ("L-spine MRI", "72148", TOP3),
    ("cat scan lower back", "72131", TOP3),
    ("CT with dye lower back", "72132", TOP3),
    ("prednisolone shot", "J2650", FIRST),
    ("SI joint injection hospital", "G0260", TOP3),
    ("G0260", "G0260", FIRST),
    ("0627t", "0627T", FIRST),
]

# Misspelt the way words sound: ph for f, k for c, sh for ti, doubled or dropped letters, and
# two slips in a long word. Most are more than one edit from the word they mean.
PHONETIC_CASES: list[tuple[str, str, int]] = [
    ("fasit injection", "64493", TOP3),
    ("fasette joint injection", "64490", FIRST),
    ("diskogram", "62290", FIRST),
    ("diskektomy", "63030", FIRST),
    ("kiphoplasty", "22514", TOP3),
    ("kyfoplasty", "22514", TOP3),
    ("epidurral steroid injection lower back", "62323", TOP3),
    ("sirvical epidurral injekshun", "62321", TOP3),
    ("injekshun for siatica", "64483", FIRST),
    ("verteboplasty", "22510", TOP3),
    ("vertabroplastry lower back", "22511", FIRST),
    ("sakroiliac joint injection", "27096", FIRST),
    ("radiofrekwency ablation lower back", "64635", FIRST),
    ("risotomy lumbar", "64635", FIRST),
    ("fisical therapy evaluation", "97161", TOP3),
    ("mekanical tracshun", "97012", FIRST),
    ("mielogram lower back", "62304", FIRST),
    ("myelografy lower back", "62304", FIRST),
    ("laminektomy", "63047", FIRST),
    ("mikrodiscectomy", "63030", FIRST),
    ("sciattica surgery", "63030", FIRST),
    ("stelate ganglion blok", "64510", FIRST),
    ("occipitle nerve block", "64405", FIRST),
    ("trigger poynt injection", "20552", TOP3),
    ("kemonucleolysis", "62292", FIRST),
    ("nukleoplasty", "62287", FIRST),
    ("anulloplasty", "22526", FIRST),
    ("basivertibral nerve ablasion", "64628", FIRST),
]

# CMS titles that start "Lumbar-sacral orthosis", "Tlso", "Hospital bed" (2026)
LUMBAR_SACRAL_ORTHOSES = tuple(
    "L0628 L0629 L0630 L0631 L0632 L0633 L0634 L0635 L0637 L0638 L0639 L0640 L0643 L0648 L0649"
    " L0650 L0651".split()
)
THORACIC_LUMBAR_SACRAL_ORTHOSES = tuple(
    "L0450 L0452 L0454 L0455 L0456 L0457 L0458 L0460 L0462 L0464 L0466 L0467 L0468 L0469 L0470"
    " L0472 L0480 L0482 L0484 L0486 L0488 L0490 L0491 L0492 L0970 L0974".split()
)
HOSPITAL_BEDS = tuple(
    "E0250 E0251 E0255 E0256 E0260 E0261 E0265 E0266 E0270 E0290 E0291 E0292 E0293 E0294 E0295"
    " E0296 E0297 E0301 E0302 E0303 E0304 E0328 E0329".split()
)

# CMS titles with "triamcinolone" (2026), the injections, then the inhalation solutions
TRIAMCINOLONE_INJECTIONS = ("C9092", "C9469", "J3299", "J3300", "J3301", "J3302", "J3303", "J3304")
TRIAMCINOLONE = (*TRIAMCINOLONE_INJECTIONS, "J7683", "J7684")

# Codes with no curated record, by their CMS names: one of the codes must come up within the
# top N (several codes are the same drug in other doses or forms; a precise name has one; a
# bare drug name may lead to its oral or inhaled form, whose CMS title starts with the drug).
HCPCS_CASES: list[tuple[str, tuple[str, ...], int]] = [
    ("dexamethasone injection", ("J1100", "J1094"), TOP3),  # sodium phosphate or acetate
    ("dexamethasone sodium phosphate", ("J1100",), FIRST),
    ("dexamethasone acetate", ("J1094",), FIRST),
    ("methylprednisolone acetate", ("J1030", "J1040"), TOP3),
    ("methylprednisolone acetate 40 mg", ("J1030",), FIRST),
    ("methylprednisolone 80 mg", ("J1040",), FIRST),
    ("triamcinolone", TRIAMCINOLONE, FIRST),
    ("triamcinolone injection", TRIAMCINOLONE_INJECTIONS, FIRST),
    ("triamcinolone acetonide 10 mg", ("J3301",), FIRST),
    ("lidocaine", ("J2001", "J2003"), TOP3),
    ("lidocaine hydrochloride", ("J2003",), FIRST),
    ("ketorolac", ("J1885",), TOP3),
    ("ketorolac tromethamine", ("J1885",), FIRST),
    ("bupivacaine liposome", ("J0666", "C9290"), FIRST),
    ("ropivacaine", ("J2795",), FIRST),
    ("betamethasone", ("J0702", "J7624"), FIRST),
    ("morphine sulfate injection", ("J2270",), FIRST),
    ("fentanyl citrate", ("J3010",), FIRST),
    ("onabotulinumtoxina", ("J0585",), FIRST),
    ("ondansetron", ("J2405",), TOP3),
    ("baclofen injection", ("J0475",), FIRST),
    ("lumbar orthosis", ("L0625",), TOP3),
    ("lumbar sacral orthosis", LUMBAR_SACRAL_ORTHOSES, FIRST),
    ("TLSO", THORACIC_LUMBAR_SACRAL_ORTHOSES, FIRST),
    ("foam collar", ("L0120",), FIRST),
    ("walker", ("E0130", "E0135"), TOP3),
    ("folding walker", ("E0135",), FIRST),
    ("cane", ("E0100",), FIRST),
    ("quad cane", ("E0105",), FIRST),
    ("crutches", ("E0110", "E0111", "E0112", "E0113", "E0114"), FIRST),
    ("underarm crutches", ("E0112", "E0113", "E0114"), FIRST),
    ("TENS unit", ("E0720", "E0730"), TOP3),
    ("tens supplies", ("A4595",), FIRST),
    ("osteogenesis stimulator spinal", ("E0748",), FIRST),
    ("commode chair", ("E0163",), FIRST),
    ("hospital bed", HOSPITAL_BEDS, FIRST),
    ("wheelchair seat cushion", tuple(f"E26{n:02d}" for n in range(1, 11)), FIRST),
    ("positioning cushion", ("E0190",), FIRST),
    ("low osmolar contrast", ("Q9965", "Q9966", "Q9967"), TOP3),
]

# Drug names misspelt: the first three results are those of the drug's name, one at least with
# the name in its title.
DRUG_SPELLINGS: list[tuple[str, str]] = [
    ("dexamethazone", "dexamethasone"),
    ("triamcinalone", "triamcinolone"),
    ("lidocane", "lidocaine"),
    ("ketorlac", "ketorolac"),
    ("metylprednisolone", "methylprednisolone"),
    ("ropivicaine", "ropivacaine"),
    ("fentanil", "fentanyl"),
    ("ondansatron", "ondansetron"),
    ("morfine", "morphine"),
    ("betametasone", "betamethasone"),
    ("hyaluronon", "hyaluronan"),
]


ALL_QUERIES = [
    *(query for query, _, _ in CASES + PHONETIC_CASES + HCPCS_CASES),
    *(query for query, _ in DRUG_SPELLINGS),
]


@pytest.fixture(scope="module")
def with_hcpcs() -> Catalog:
    """The default catalog when it holds the HCPCS Level II codes already, else the default
    catalog with the 2026 HCPCS file merged in."""
    catalog = default_catalog()
    if len(catalog) > 5000:
        return catalog
    if not HCPCS_2026.exists():
        pytest.skip("needs ../shared (CMS files): HCPCS 2026")
    return catalog.merge(load_hcpcs(HCPCS_2026))


@pytest.fixture(scope="module", params=["default catalog", "with HCPCS"])
def searching(request) -> Callable[..., list[Procedure]]:
    if request.param == "default catalog":
        return default_catalog().search
    catalog: Catalog = request.getfixturevalue("with_hcpcs")
    return catalog.search


def _codes(found: list[Procedure]) -> list[str]:
    return [p.code for p in found]


def test_the_set_is_large_enough():
    assert len(ALL_QUERIES) >= 120
    assert len(PHONETIC_CASES) >= 20
    assert len(set(ALL_QUERIES)) == len(ALL_QUERIES)


@pytest.mark.parametrize(("query", "code", "within"), CASES, ids=[c[0] for c in CASES])
def test_query_ranks_the_expected_code(searching, query, code, within):
    found = _codes(searching(query, limit=within))
    assert code in found, f"{query!r}: expected {code} within the top {within}, got {found}"


@pytest.mark.parametrize(
    ("query", "code", "within"), PHONETIC_CASES, ids=[c[0] for c in PHONETIC_CASES]
)
def test_a_misspelling_by_sound_finds_the_record(searching, query, code, within):
    found = _codes(searching(query, limit=within))
    assert code in found, f"{query!r}: expected {code} within the top {within}, got {found}"


def test_the_sound_of_a_word_is_what_finds_most_phonetic_cases():
    """Without phonetic keys (one edit only, as before), most phonetic cases fail: the set
    tests what it says."""

    class OneEditOnly(SearchIndex):
        __slots__ = ()

        def _sounding_like(self, word, known):
            return []

    plain = OneEditOnly(default_catalog().values())
    failing = [
        query
        for query, code, within in PHONETIC_CASES
        if code not in _codes(plain.search(query, limit=within))
    ]
    assert len(failing) >= 8, failing


@pytest.mark.parametrize(("query", "codes", "within"), HCPCS_CASES, ids=[c[0] for c in HCPCS_CASES])
def test_a_cms_name_finds_its_code(with_hcpcs, query, codes, within):
    found = _codes(with_hcpcs.search(query, limit=within))
    assert set(codes).intersection(found), (
        f"{query!r}: expected one of {codes} within the top {within}, got {found}"
    )


@pytest.mark.parametrize(("query", "drug"), DRUG_SPELLINGS, ids=[c[0] for c in DRUG_SPELLINGS])
def test_a_misspelt_drug_finds_what_the_drug_finds(with_hcpcs, query, drug):
    found = with_hcpcs.search(query, limit=3)
    assert _codes(found) == _codes(with_hcpcs.search(drug, limit=3))
    assert any(drug in p.title.lower() for p in found), [(p.code, p.title) for p in found]


@pytest.mark.parametrize(
    ("query", "primaries", "add_on"),
    [
        ("RFA", {"64628", "64633", "64635"}, "64629"),
        ("MBB", {"64490", "64493"}, "64491"),
        ("spinal fusion", {"22558", "22612", "22630", "22633"}, "22585"),
    ],
)
def test_add_on_codes_follow_their_primary_codes(searching, query, primaries, add_on):
    found = _codes(searching(query))
    assert add_on in found
    assert all(found.index(code) < found.index(add_on) for code in primaries), found


@pytest.mark.parametrize(
    ("typo", "word"),
    [
        ("epidurl steroid injection", "epidural steroid injection"),  # one edit
        ("epidurral steroid injection", "epidural steroid injection"),  # one edit, by sound
        ("kyfoplasty", "kyphoplasty"),  # by sound only
        ("vertabroplastry", "vertebroplasty"),  # two edits in a long word
    ],
)
def test_a_typo_ranks_like_the_word(searching, typo, word):
    assert _codes(searching(typo)) == _codes(searching(word))
