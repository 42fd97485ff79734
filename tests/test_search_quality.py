"""Search quality: what patients and billers type, and the code that must come up.

Each case is a query, the code expected, and how high it must rank: first, or within the top 3
where the words fit several codes equally well (a lay query without a region, a family name).
The queries mix lay words, billing abbreviations, body regions and misspellings. A failure here
is fixed in the search ranking or in a record's common names, not by weakening the case.

Every case runs once, on the default catalog (which holds every 2026 HCPCS Level II code), as
one test item; each expected code is checked against CMS data (it is in the catalog, from a CMS
file). Groups: spine (the curated family), services (common non-spine services: visits, labs,
imaging, injections, procedures across specialties), HCPCS items (drugs by generic and brand
name with doses however typed, supplies, equipment) and codes as coders type them. Each group
must reach 90 % top-3 and the whole set 95 %; two held-out sets (tests/data/search_heldout_*.tsv,
written before the synonyms and not tuned on) are measured and printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from proccodes import CodeKind, Procedure, default_catalog
from proccodes._search import CodeQuery, SearchIndex, read_code_query, synonyms, tokenize

from .conftest import TEST_DATA

FIRST, TOP3 = 1, 3
# below what the held-out sets measured (98.1 % and 90.3 %), so that a regression shows
HELD_OUT_FLOOR = {"search_heldout_1.tsv": 0.95, "search_heldout_2.tsv": 0.88}

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
    ("mild procedure", "G0276", TOP3),  # 0275T first: issue 20 (NCD 150.13)
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
    ("methylprednisolone acetate", ("J1010",), TOP3),  # J1020-J1040 ended 2024
    # J1020-J1040 ended on 2024-03-31: the current code (per 1 mg) comes first
    ("methylprednisolone acetate 40 mg", ("J1010",), FIRST),
    ("methylprednisolone 80 mg", ("J1010", "J2919"), TOP3),
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


# Common non-spine services, in the words of patients, front desks and coders: (query, any of
# these codes, within)
SERVICE_CASES: list[tuple[str, tuple[str, ...], int]] = [
    ("ekg", ("93000", "93005", "93010"), FIRST),
    ("ecg", ("93000", "93005", "93010"), FIRST),
    ("12 lead ekg", ("93000",), TOP3),
    ("ekg interpretation only", ("93010",), FIRST),
    ("lipid panel", ("80061",), FIRST),
    ("cholesterol test", ("80061",), FIRST),
    ("CMP", ("80053",), FIRST),
    ("BMP", ("80048",), FIRST),
    ("CBC", ("85025", "85027"), FIRST),
    ("cbc with differential", ("85025",), FIRST),
    ("UA", ("81000", "81001", "81002", "81003"), FIRST),
    ("urine dipstick", ("81002", "81003", "81000", "81001"), TOP3),
    ("a1c", ("83036",), FIRST),
    ("thyroid test", ("84443",), FIRST),
    ("psa", ("84153", "G0103"), FIRST),
    ("vitamin d", ("82306",), FIRST),
    ("blood draw", ("36415",), FIRST),
    ("liver function tests", ("80076",), FIRST),
    ("kidney panel", ("80069",), FIRST),
    ("pt/inr", ("85610",), FIRST),
    ("d-dimer", ("85378", "85379"), FIRST),
    ("esr", ("85651", "85652"), FIRST),
    ("crp", ("86140",), FIRST),
    ("quantiferon", ("86480",), FIRST),
    ("ppd", ("86580",), FIRST),
    ("fit test", ("82274",), FIRST),
    ("urine drug screen", ("80305", "80306", "80307"), FIRST),
    ("rapid strep", ("87880",), FIRST),
    ("flu swab", ("87804", "87502"), FIRST),
    ("covid pcr", ("87635",), TOP3),
    ("hpv test", ("87624", "87625"), FIRST),
    ("pap test", ("88175", "88142", "Q0091", "G0123"), FIRST),
    ("chest x-ray", ("71045", "71046", "71047", "71048"), FIRST),
    ("chest x-ray 2 views", ("71046",), FIRST),
    ("portable chest x-ray", ("71045",), FIRST),
    ("cxr", ("71045", "71046", "71047", "71048"), FIRST),
    ("knee xray", ("73560", "73562", "73564", "73565"), FIRST),
    ("knee x-ray 2 views", ("73560",), FIRST),
    ("hip x-ray", ("73501", "73502", "73503", "73521", "73522", "73523"), FIRST),
    ("foot x-ray 3 views", ("73630",), FIRST),
    ("wrist xray", ("73110", "73100"), FIRST),
    ("kub", ("74018", "74019", "74021"), FIRST),
    ("neck x-ray", ("72040", "72050", "72052"), FIRST),
    ("head ct", ("70450", "70460", "70470"), FIRST),
    ("CT head w/o contrast", ("70450",), FIRST),
    ("ct chest with contrast", ("71260",), FIRST),
    ("ct abd pelvis without contrast", ("74176",), FIRST),
    ("ct abdomen pelvis with and without contrast", ("74178",), FIRST),
    ("cta head", ("70496",), FIRST),
    ("brain mri", ("70551", "70552", "70553"), FIRST),
    ("brain mri without contrast", ("70551",), FIRST),
    ("knee mri", ("73721", "73722", "73723"), FIRST),
    ("mri cervical spine", ("72141", "72142", "72156"), TOP3),
    ("mammogram", ("77067", "77065", "77066"), FIRST),
    ("diagnostic mammogram", ("77065", "77066"), FIRST),
    ("dexa scan", ("77080", "77081"), FIRST),
    ("gallbladder ultrasound", ("76705",), FIRST),
    ("kidney ultrasound", ("76770", "76775"), FIRST),
    ("echocardiogram", ("93306", "93307", "93308"), FIRST),
    ("TTE", ("93306", "93307", "93308"), FIRST),
    ("TEE", ("93312", "93313", "93314", "93355"), FIRST),
    ("treadmill stress test", ("93015", "93016", "93017", "93018"), FIRST),
    ("nuclear stress test", ("78452", "78451"), FIRST),
    ("zio patch", ("93241", "93242", "93243", "93244", "93245", "93246", "93247", "93248"), TOP3),
    ("carotid doppler", ("93880", "93882"), FIRST),
    ("abi", ("93922", "93923"), FIRST),
    ("heart cath", ("93458", "93452", "93454", "93459"), FIRST),
    ("new patient visit", ("99202", "99203", "99204", "99205"), FIRST),
    ("new patient level 3", ("99203",), FIRST),
    ("new patient visit level 4", ("99204",), FIRST),
    ("established patient visit", ("99211", "99212", "99213", "99214", "99215"), FIRST),
    ("established patient level 4", ("99214",), FIRST),
    ("established level 3", ("99213",), FIRST),
    ("nurse visit", ("99211",), FIRST),
    ("follow up visit", ("99211", "99212", "99213", "99214", "99215"), FIRST),
    ("hospital admission visit", ("99221", "99222", "99223"), FIRST),
    ("hospital discharge", ("99238", "99239"), FIRST),
    ("er visit", ("99281", "99282", "99283", "99284", "99285"), FIRST),
    ("critical care", ("99291",), FIRST),
    ("annual physical", ("99391", "99392", "99393", "99394", "99395", "99396", "99397"), FIRST),
    ("well child visit", ("99381", "99382", "99383", "99391", "99392", "99393"), FIRST),
    ("AWV", ("G0438", "G0439"), FIRST),
    ("IPPE", ("G0402",), FIRST),
    ("tcm", ("99495", "99496"), FIRST),
    ("ccm", ("99490", "99491", "99439", "99487"), FIRST),
    ("rpm", ("99453", "99454", "99457", "99458"), FIRST),
    ("phq-9", ("G0444", "96127"), FIRST),
    ("knee injection", ("20610", "20611"), FIRST),
    ("knee aspiration", ("20610", "20611"), FIRST),
    ("cortisone shot", ("20610", "20611"), FIRST),
    ("shoulder cortisone shot", ("20610", "20611"), FIRST),
    ("ultrasound guided knee injection", ("20611",), FIRST),
    ("trigger finger injection", ("20550",), FIRST),
    ("tennis elbow injection", ("20551",), FIRST),
    ("hip joint injection", ("20610", "20611"), FIRST),
    ("im injection", ("96372",), FIRST),
    ("iv push", ("96374", "96375"), FIRST),
    ("iv fluids", ("96360", "96361"), FIRST),
    ("flu vaccine", ("90686", "90688", "90656", "90662", "90674", "90682"), FIRST),
    ("shingrix", ("90750",), FIRST),
    ("tdap", ("90715",), FIRST),
    ("prevnar", ("90732", "90670", "90677", "90671"), TOP3),
    ("shave biopsy", ("11102",), FIRST),
    ("punch biopsy", ("11104",), FIRST),
    ("skin tag removal", ("11200", "11201"), FIRST),
    ("I&D", ("10060", "10061"), FIRST),
    ("ingrown toenail removal", ("11730", "11750"), FIRST),
    ("stitches", ("12001", "12002", "12004", "12011"), FIRST),
    ("earwax removal", ("69210", "69209"), FIRST),
    ("cerumen removal", ("69210", "69209"), FIRST),
    ("bladder scan", ("51798",), FIRST),
    ("nexplanon insertion", ("11981",), FIRST),
    ("endometrial biopsy", ("58100",), FIRST),
    ("colonoscopy", ("45378",), FIRST),
    ("colonoscopy with polypectomy", ("45385", "45384"), FIRST),
    ("EGD", ("43235", "43239"), FIRST),
    ("lap chole", ("47562", "47563"), FIRST),
    ("TKA", ("27447",), FIRST),
    ("hip replacement", ("27130",), FIRST),
    ("ACL reconstruction", ("29888",), FIRST),
    ("knee scope", ("29881", "29880", "29877"), FIRST),
    ("cesarean section", ("59510", "59514", "59515"), FIRST),
    ("hemodialysis", ("90935", "90937"), FIRST),
    ("eye exam", ("92004", "92014", "92002", "92012"), FIRST),
    ("visual field test", ("92083", "92082"), FIRST),
    ("audiogram", ("92557", "92552"), FIRST),
    ("home sleep test", ("95806", "95800", "95801", "G0399"), FIRST),
    ("EMG", ("95885", "95886", "95860", "95861"), FIRST),
    ("NCS", ("95907", "95908", "95909", "95910", "95911", "95912", "95913"), FIRST),
    (
        "nerve conduction test",
        ("95907", "95908", "95909", "95910", "95911", "95912", "95913"),
        FIRST,
    ),
    ("pft", ("94010", "94060"), FIRST),
    ("breathing treatment", ("94640",), FIRST),
    ("pulse ox", ("94760", "94761"), FIRST),
    ("psych eval", ("90791", "90792"), FIRST),
    ("talk therapy", ("90832", "90834", "90837"), FIRST),
    ("psychotherapy 60 min", ("90837",), FIRST),
    ("family therapy", ("90846", "90847"), FIRST),
    ("OT eval", ("97165", "97166", "97167"), FIRST),
    ("pt re-eval", ("97164",), FIRST),
    ("neuromuscular reeducation", ("97112",), FIRST),
    ("therapeutic activities", ("97530",), FIRST),
    ("massage therapy", ("97124",), FIRST),
    ("dry needling", ("20560", "20561"), FIRST),
    ("chiropractic manipulation", ("98940", "98941", "98942"), FIRST),
    ("OMT", ("98925", "98926", "98927", "98928", "98929"), FIRST),
    ("speech evaluation", ("92521", "92522", "92523", "92524"), FIRST),
    ("dietitian visit", ("97802", "97803"), FIRST),
    ("cardiac rehab", ("93798", "93797"), FIRST),
    ("paracentesis", ("49082", "49083"), FIRST),
    ("thoracentesis", ("32554", "32555"), FIRST),
    ("picc line", ("36568", "36569", "36572", "36573"), FIRST),
    ("blood transfusion", ("36430",), FIRST),
    ("wrist splint application", ("29125",), FIRST),
    ("cast removal", ("29700",), FIRST),
]

# HCPCS Level II items: drugs by brand name (with doses however typed), supplies, equipment
ITEM_CASES: list[tuple[str, tuple[str, ...], int]] = [
    ("kenalog", ("J3301",), TOP3),
    ("kenalog 10mg", ("J3301",), FIRST),
    ("kenalog 10 mg", ("J3301",), FIRST),
    ("kenalog 10-mg", ("J3301",), FIRST),
    ("kenalog-40", ("J3301",), TOP3),
    ("toradol injection", ("J1885",), FIRST),
    ("toradol 15mg", ("J1885",), FIRST),
    ("depo-medrol", ("J1010",), FIRST),
    ("depo medrol 40 mg", ("J1010",), FIRST),
    ("methylprednisolone 40 mg", ("J1010", "J2919"), TOP3),
    ("solumedrol", ("J2919",), FIRST),
    ("decadron", ("J1100",), FIRST),
    ("decadron 1mg", ("J1100",), FIRST),
    ("zofran", ("J2405",), FIRST),
    ("phenergan injection", ("J2550",), FIRST),
    ("benadryl", ("J1200",), FIRST),
    ("rocephin 250mg", ("J0696",), FIRST),
    ("ancef", ("J0690", "J0687", "J0689"), FIRST),
    ("vancomycin", ("J3370", "J3371", "J3372", "J3373", "J3374", "J3375"), TOP3),
    ("lovenox 10mg", ("J1650",), FIRST),
    ("demerol", ("J2175",), FIRST),
    ("dilaudid injection", ("J1171",), FIRST),
    ("narcan injection", ("J2312",), TOP3),
    ("versed", ("J2250",), FIRST),
    ("haldol decanoate", ("J1631",), TOP3),
    ("depo-provera", ("J1050",), FIRST),
    ("depo-testosterone", ("J1071",), FIRST),
    ("testosterone enanthate", ("J3121",), FIRST),
    ("b12 shot", ("J3420",), FIRST),
    ("botox", ("J0585",), FIRST),
    ("dysport", ("J0586",), FIRST),
    ("xeomin", ("J0588",), FIRST),
    ("prolia", ("J0897",), FIRST),
    ("reclast", ("J3489",), FIRST),
    ("euflexxa", ("J7323",), FIRST),
    ("synvisc", ("J7325",), FIRST),
    ("orthovisc", ("J7324",), FIRST),
    ("zilretta", ("J3304",), FIRST),
    ("remicade", ("J1745",), FIRST),
    ("inflectra", ("Q5103",), FIRST),
    ("humira", ("J0139",), TOP3),
    ("entyvio", ("J3380",), FIRST),
    ("stelara", ("J3357", "J3358"), FIRST),
    ("ocrevus", ("J2350",), FIRST),
    ("keytruda", ("J9271",), FIRST),
    ("opdivo", ("J9299",), TOP3),
    ("avastin", ("J9035",), TOP3),
    ("mvasi", ("Q5107",), FIRST),
    ("neulasta", ("J2506",), FIRST),
    ("udenyca", ("Q5111",), FIRST),
    ("neupogen", ("J1442",), FIRST),
    ("procrit", ("J0885", "Q4081"), TOP3),
    ("aranesp", ("J0881", "J0882"), TOP3),
    ("venofer", ("J1756",), FIRST),
    ("injectafer", ("J1439",), FIRST),
    ("feraheme", ("Q0138", "Q0139"), FIRST),
    ("eylea", ("J0178",), TOP3),
    ("lucentis", ("J2778",), FIRST),
    ("taxol", ("J9267",), TOP3),
    ("cisplatin", ("J9060",), FIRST),
    ("rituxan", ("J9312",), TOP3),
    ("lupron depot", ("J9217", "J1950", "J1951", "J1954"), TOP3),
    ("invega sustenna", ("J2426",), FIRST),
    ("vivitrol", ("J2315",), TOP3),
    ("sublocade", ("Q9991", "Q9992"), TOP3),
    ("rhogam", ("J2790", "J2788"), FIRST),
    ("exparel", ("C9290", "J0666"), FIRST),
    ("omnipaque", ("Q9965", "Q9966", "Q9967"), TOP3),
    ("cpap machine", ("E0601",), FIRST),
    ("bipap", ("E0470", "E0471"), FIRST),
    ("cpap mask", ("A7030", "A7034"), FIRST),
    ("home oxygen", ("E1390", "E1392"), FIRST),
    ("rollator", ("E0149",), FIRST),
    ("power wheelchair", ("K0823", "K0822"), FIRST),
    ("shower chair", ("E0240", "E0245"), FIRST),
    ("glucometer", ("E0607",), FIRST),
    ("test strips", ("A4253",), FIRST),
    ("dexcom", ("E2102", "E2103", "A4239"), FIRST),
    ("insulin pump", ("E0784",), FIRST),
    ("wound vac", ("E2402", "97605", "97606"), FIRST),
    ("back brace", ("L0650", "L0637", "L0648", "L0625", "L0627"), FIRST),
    ("cervical collar", ("L0120", "L0172", "L0174"), FIRST),
    ("walking boot", ("L4360", "L4361", "L4386", "L4387"), FIRST),
    ("wrist brace", ("L3908", "L3916"), FIRST),
    ("diabetic shoe", ("A5500", "A5512", "A5513"), FIRST),
    ("ted hose", ("A6530", "A6531", "A6532", "A6533", "A6534", "A6535", "A6536"), TOP3),
    ("self cath", ("A4351", "A4352"), FIRST),
    ("ostomy bag", ("A4416", "A4417", "A4424", "A4427"), FIRST),
    ("feeding pump", ("B9002",), FIRST),
    ("hoyer lift", ("E0630", "E0635"), FIRST),
    ("ambulance ride", ("A0427", "A0429", "A0428", "A0425"), FIRST),
    ("breast pump", ("E0602", "E0603"), FIRST),
]

# Codes as coders type them: modifiers, prefixes, spaces and dots, units, partial codes
CODE_CASES: list[tuple[str, tuple[str, ...], int]] = [
    ("64483-RT", ("64483",), FIRST),
    ("64635 50", ("64635",), FIRST),
    ("64483rt", ("64483",), FIRST),
    ("64493-LT", ("64493",), FIRST),
    ("99214-25", ("99214",), FIRST),
    ("CPT 62323", ("62323",), FIRST),
    ("HCPCS J1885", ("J1885",), FIRST),
    ("cpt code 20610", ("20610",), FIRST),
    ("j3301 x 4", ("J3301",), FIRST),
    ("97110 x4", ("97110",), FIRST),
    ("97140 2 units", ("97140",), FIRST),
    ("6 4 4 8 3", ("64483",), FIRST),
    ("644.83", ("64483",), FIRST),
    ("J 1885", ("J1885",), FIRST),
    ("62290.", ("62290",), FIRST),
    ("e0601 nu rr", ("E0601",), FIRST),
    ("6449", ("64490",), FIRST),
    ("2261", ("22610",), FIRST),
    ("j103", ("J1030", "J1010"), TOP3),
    ("J1040", ("J1040",), FIRST),
]


# Coder abbreviations: the top result is one of these codes
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "PLF": ("22612", "22614"),
    "PLIF": ("22630", "22633"),
    "TLIF": ("22630", "22633"),
    "ACDF": ("22551", "22552"),
    "TFESI": ("64479", "64480", "64483", "64484"),
    "ILESI": ("62320", "62321", "62322", "62323"),
    "MBB": ("64490", "64491", "64493", "64494"),
    "RFA": ("64633", "64635", "64628", "64625"),
    "SCS": ("63650", "63685", "63655"),
    "IT pump": ("62362", "62350", "62367", "62368", "62369", "62370"),
    "BVN": ("64628", "64629"),
    "LP": ("62270", "62328"),
    "EMG": ("95885", "95886", "95860", "95861"),
    "NCS": ("95907", "95908", "95909", "95910", "95911", "95912", "95913"),
    "TTE": ("93306", "93307", "93308"),
    "TEE": ("93312", "93313", "93314", "93355"),
    "CBC": ("85025", "85027"),
    "CMP": ("80053",),
    "BMP": ("80048",),
    "UA": ("81000", "81001", "81002", "81003"),
}

GROUPS: dict[str, list[tuple[str, tuple[str, ...], int]]] = {
    "spine": [(q, (c,), n) for q, c, n in CASES + PHONETIC_CASES],
    "services": SERVICE_CASES,
    "HCPCS items": HCPCS_CASES + ITEM_CASES,
    "codes": CODE_CASES,
}
ALL_CASES = [(group, *case) for group, cases in GROUPS.items() for case in cases]
ALL_QUERIES = [query for _, query, _, _ in ALL_CASES] + [query for query, _ in DRUG_SPELLINGS]
HELD_OUT = [TEST_DATA / "search_heldout_1.tsv", TEST_DATA / "search_heldout_2.tsv"]


def _codes(found: list[Procedure]) -> list[str]:
    return [p.code for p in found]


def _search(query: str, limit: int) -> list[str]:
    return _codes(default_catalog().search(query, limit=limit))


def _read_held_out(path: Path) -> list[tuple[str, tuple[str, ...], str]]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, codes, group = line.split("\t")
            cases.append((query, tuple(codes.split()), group))
    return cases


def _from_cms(code: str) -> bool:
    """The code is in the default catalog, from a CMS file (PFS, HCPCS or RBCS), not made up."""
    catalog = default_catalog()
    if code not in catalog:
        return False
    record = catalog.get(code)
    return (
        record.curated
        or any(x is not None for x in (record.pfs, record.file_facts, record.rbcs))
        or bool(record.history)
    )


def test_the_set_is_large_enough():
    assert len(ALL_QUERIES) >= 450
    assert len(SERVICE_CASES) >= 100
    assert len(GROUPS["HCPCS items"]) + len(DRUG_SPELLINGS) >= 100
    assert len(PHONETIC_CASES) >= 20
    assert len(set(ALL_QUERIES)) == len(ALL_QUERIES), [
        q for q in ALL_QUERIES if ALL_QUERIES.count(q) > 1
    ]


def test_every_expected_code_is_a_cms_code():
    expected = {c for _, _, codes, _ in ALL_CASES for c in codes}
    expected |= {c for codes in ABBREVIATIONS.values() for c in codes}
    for path in HELD_OUT:
        expected |= {c for _, codes, _ in _read_held_out(path) for c in codes}
    assert not [c for c in sorted(expected) if not _from_cms(c)]


@pytest.mark.parametrize(
    ("group", "query", "codes", "within"), ALL_CASES, ids=[f"{c[0]}: {c[1]}" for c in ALL_CASES]
)
def test_query_finds_its_code(group, query, codes, within):
    found = _search(query, within)
    assert set(codes).intersection(found), (
        f"{query!r}: expected one of {codes} within the top {within}, got {found}"
    )


def test_every_group_reaches_its_share():
    """>= 95 % top-3 overall, >= 90 % in every group (each item above must pass anyway: this
    states the issue's bar, and prints the figures)."""
    shares = {}
    for group, cases in GROUPS.items():
        hits = [bool(set(codes).intersection(_search(q, 3))) for q, codes, _ in cases]
        shares[group] = sum(hits) / len(hits)
        print(f"quality set, {group}: {sum(hits)}/{len(hits)} top-3")
    overall = sum(
        bool(set(codes).intersection(_search(q, 3))) for _, q, codes, _ in ALL_CASES
    ) / len(ALL_CASES)
    print(f"quality set overall: {overall:.1%} top-3 of {len(ALL_CASES)}")
    assert overall >= 0.95
    assert all(share >= 0.90 for share in shares.values()), shares


@pytest.mark.parametrize("path", HELD_OUT, ids=["held-out 1", "held-out 2"])
def test_held_out_sets_are_measured(path, capsys):
    """Two sets written before the synonyms and never tuned on: the score is printed (see the
    report); the floor asserted is below what they measured, so a regression shows."""
    cases = _read_held_out(path)
    assert len(cases) >= 100
    by_group: dict[str, list[bool]] = {}
    misses = []
    for query, codes, group in cases:
        found = _search(query, 3)
        hit = bool(set(codes).intersection(found))
        by_group.setdefault(group, []).append(hit)
        if not hit:
            misses.append(f"{query!r}: {codes} not in {found}")
    hits = [h for group in by_group.values() for h in group]
    share = sum(hits) / len(hits)
    with capsys.disabled():
        print(f"\n{path.name}: {share:.1%} top-3 of {len(hits)} queries")
        for group, found in by_group.items():
            print(f"  {group}: {sum(found)}/{len(found)}")
        for miss in misses:
            print(f"  miss {miss}")
    assert share >= HELD_OUT_FLOOR[path.name]


@pytest.mark.parametrize("abbreviation", sorted(ABBREVIATIONS))
def test_a_coder_abbreviation_leads_to_its_codes(abbreviation):
    assert _search(abbreviation, 1)[0] in ABBREVIATIONS[abbreviation]


def test_every_synonym_names_cms_codes():
    """Each code a synonym names is a CMS code of the catalog; each brand's generic name is in
    the HCPCS Level II text (public domain) of a current code, as the index matches it."""
    listed = [s for s in synonyms() if s.kind == "codes"]
    assert not [(s.line, c) for s in listed for c in s.codes if not _from_cms(c)]
    brands = [s for s in synonyms() if s.kind == "brand"]
    assert len({p for s in brands for p in s.phrases}) >= 300
    titles = [
        set(tokenize(p.title))
        for p in default_catalog().values()
        if p.kind is CodeKind.HCPCS_LEVEL_II and p.terminated is None
    ]
    unmatched = [
        (s.line, s.words)
        for s, words in ((s, set(tokenize(s.words))) for s in brands)
        if not any(words <= title for title in titles)
    ]
    assert not unmatched


@pytest.mark.parametrize(
    "spelling", ["kenalog 10mg", "kenalog 10 mg", "kenalog 10-mg", "Kenalog 10MG"]
)
def test_a_dose_counts_however_it_is_typed(spelling):
    assert _search(spelling, 3) == _search("kenalog 10 mg", 3)


def test_with_and_without_contrast_count():
    assert _search("ct head without contrast", 1) == ["70450"]
    assert _search("ct head with contrast", 1) == ["70460"]
    assert _search("mri lumbar with and without contrast", 1) == ["72158"]


@pytest.mark.parametrize(
    ("text", "code", "modifiers", "units"),
    [
        ("64483-RT", "64483", ("RT",), None),
        ("64635 50", "64635", ("50",), None),
        ("64483rt", "64483", ("RT",), None),
        ("cpt 99213-25", "99213", ("25",), None),
        ("hcpcs j3301 x4", "J3301", (), 4),
        ("6 4 4 8 3", "64483", (), None),
        ("97140 2 units", "97140", (), 2),
    ],
)
def test_a_code_is_read_as_coders_type_it(text, code, modifiers, units):
    typed = read_code_query(text)
    assert typed == CodeQuery(code, modifiers, units)
    assert _search(text, 1) == [code]


def test_a_partial_code_lists_codes_in_order_primaries_first():
    found = default_catalog().search("6449", limit=10)
    add_ons = [p for p in found if p.billing is not None and p.billing.add_on]
    primaries = [p for p in found if p not in add_ons]
    assert found == primaries + add_ons
    assert _codes(primaries) == sorted(_codes(primaries))
    assert _codes(add_ons) == sorted(_codes(add_ons))
    assert {"64490", "64493"} <= set(_codes(primaries))


def test_an_ended_code_answers_as_ended_with_its_successor():
    catalog = default_catalog()
    ended = next(
        p
        for p in catalog.values()
        if p.terminated is not None and p.replaced_by and p.replaced_by[0] in catalog
    )
    found = catalog.search(ended.code, limit=3)
    assert found[0] == ended
    assert found[0].terminated is not None
    assert found[1].code == ended.replaced_by[0]


def test_ended_codes_come_after_current_ones():
    found = default_catalog().search("methylprednisolone acetate", limit=10)
    ends = [p.terminated is not None for p in found]
    assert ends == sorted(ends), [(p.code, p.terminated) for p in found]
    # J1094 (ended 2025-03-31) matches every word, yet counts one word fewer than a current
    # code: it comes after the current codes that match one of the words, but it comes
    found = _search("dexamethasone acetate", 40)
    assert "J1094" in found
    assert found[0] != "J1094"


@pytest.mark.parametrize(("query", "drug"), DRUG_SPELLINGS, ids=[c[0] for c in DRUG_SPELLINGS])
def test_a_misspelt_drug_finds_what_the_drug_finds(query, drug):
    found = default_catalog().search(query, limit=3)
    assert _codes(found) == _search(drug, 3)
    assert any(drug in p.title.lower() for p in found), [(p.code, p.title) for p in found]


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


@pytest.mark.parametrize(
    ("query", "primaries", "add_on"),
    [
        ("RFA", {"64628", "64633", "64635"}, "64629"),
        ("MBB", {"64490", "64493"}, "64491"),
        ("spinal fusion", {"22558", "22612", "22630", "22633"}, "22585"),
    ],
)
def test_add_on_codes_follow_their_primary_codes(query, primaries, add_on):
    found = _search(query, 10)
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
def test_a_typo_ranks_like_the_word(typo, word):
    assert _search(typo, 10) == _search(word, 10)
