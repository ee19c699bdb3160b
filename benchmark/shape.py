"""The shape of the synthetic office: how many of what, in which proportions."""

from __future__ import annotations

from dataclasses import dataclass

# The departments (KP's administrative departments) and the sections in each that the
# synthetic office draws from, in order (``org.build_org``); the shape says how many.
DEPARTMENTS = [
    ("AGR", "Agriculture, Livestock and Cooperation"),
    ("AUQ", "Auqaf, Hajj and Religious Affairs"),
    ("BOR", "Board of Revenue"),
    ("CW", "Communication and Works"),
    ("CT", "Culture and Tourism"),
    ("CCE", "Climate Change, Forestry and Environment"),
    ("EST", "Establishment"),
    ("ETN", "Excise, Taxation and Narcotics Control"),
    ("FOOD", "Food"),
    ("HOME", "Home and Tribal Affairs"),
    ("HSG", "Housing"),
    ("ICT", "Industries, Commerce and Technical Education"),
    ("INF", "Information and Public Relations"),
    ("IRR", "Irrigation"),
    ("LAB", "Labour"),
    ("LAW", "Law, Parliamentary Affairs and Human Rights"),
    ("MMD", "Mines and Minerals Development"),
    ("PND", "Planning and Development"),
    ("PHE", "Public Health Engineering"),
    ("POP", "Population Welfare"),
    ("REL", "Relief, Rehabilitation and Settlement"),
    ("SWD", "Social Welfare and Women Empowerment"),
    ("TMT", "Transport and Mass Transit"),
    ("ZUA", "Zakat, Ushr and Minority Affairs"),
    ("EPD", "Energy and Power"),
    ("ADM", "Administration"),
    ("PRS", "Prosecution"),
    ("ACE", "Anti-Corruption Establishment"),
    ("MID", "Merged Areas Development"),
    ("FIS", "Fisheries"),
    ("WTR", "Water Management"),
    ("ARC", "Archives and Libraries"),
    ("SPE", "Special Education"),
    ("YTH", "Youth Affairs"),
    ("CON", "Consumer Protection"),
    ("INS", "Inspection"),
]
SECTIONS = [
    "SO(Admn)",
    "SO(Estb)",
    "SO(Dev)",
    "SO(Lit)",
    "SO(Plan)",
    "SO(Accts)",
    "SO(Gen)",
    "SO(Coord)",
]


@dataclass
class Shape:
    """How the office looks. Shares are of files unless said otherwise."""

    files: int
    seed: int = 1
    years: int = 7
    movements_mean: float = 10.0
    share_open: float = 0.30
    share_parked: float = 0.04
    share_record_room: float = 0.16  # the rest are closed
    on_receipt: float = 0.65
    extra_receipt: float = 0.15
    attachment: float = 0.40
    scan: float = 0.60  # of receipts
    citizen: float = 0.08  # of receipts
    pending_receipts: float = 0.08
    note_per_stay: float = 0.55
    additional_charges: float = 0.03  # of posts
    batch: int = 5000
    # Processes writing the files on PostgreSQL (``benchmark.parallel``); 0: one per
    # CPU, at most 4. Part of the shape: another number gives another (equally shaped) office.
    processes: int = 0

    @property
    def departments(self) -> int:
        return min(len(DEPARTMENTS), max(2, round(self.files / 2500)))

    @property
    def sections_per_department(self) -> int:
        return min(len(SECTIONS), max(2, self.files // 2500))
