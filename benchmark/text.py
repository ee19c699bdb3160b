"""Words for the synthetic office: subjects, note paragraphs and the pages of papers.

Text comes from pools made once per run (a few thousand paragraphs and pages of office prose),
so that a million files cost no more Python than a thousand pool entries. What makes search
figures readable is added per file: a few *planted* words, each in a known share of files, so
that "a rare word" and "a word in most files" mean the same thing at every scale. The filler,
subjects and senders never contain a planted word.
"""

from __future__ import annotations

import random

# word → share of files whose note sheet contains it
PLANTED = {
    "tubewell": 0.001,
    "pension": 0.01,
    "audit": 0.05,
    "budget": 0.3,
    "department": 0.6,
}
RARE_WORD = "tubewell"
MIDDLING_WORD = "audit"
COMMON_WORD = "department"

FILLER = (  # noqa: SIM905 — a paragraph of words reads better than a list of 150 strings
    "the of and to in for on with by is be as at from this that which are file note para "
    "may please kindly approval submitted orders placed perusal above below case matter "
    "proposal letter reference dated regarding subject sanction release funds amount rupees "
    "million financial year scheme development project district office section officer "
    "secretary deputy additional government provincial khyber pakhtunkhwa peshawar finance "
    "health education works services local council authority board committee meeting minutes "
    "report return quarter annual revised estimates grant supplementary allocation expenditure "
    "salary allowance employees posts recruitment transfer posting promotion seniority leave "
    "pay scale rules policy notification order circular directive instructions compliance "
    "inquiry complaint citizen application request forward necessary action early comments "
    "views advice law parliamentary affairs cabinet chief minister governor assembly question "
    "reply contract tender procurement bid award payment bill invoice objection accountant "
    "general treasury bank account deposit withdrawal cheque utilisation certificate"
).split()
URDU = "منظوری فائل سیکرٹری محکمہ تعلیم صحت خزانہ درخواست شکایت اساتذہ بھرتی".split()  # noqa: SIM905

DISTRICTS = [
    "Peshawar",
    "Mardan",
    "Swat",
    "Abbottabad",
    "Kohat",
    "Bannu",
    "Dera Ismail Khan",
    "Charsadda",
    "Nowshera",
    "Mansehra",
    "Chitral",
    "Karak",
    "Lakki Marwat",
    "Haripur",
    "Swabi",
    "Buner",
    "Malakand",
    "Dir Lower",
    "Dir Upper",
    "Shangla",
]
SUBJECTS = [
    "Revised estimates of the district office {d}",
    "Release of funds for the development scheme in {d}",
    "Supplementary grant for {d}",
    "Re-appropriation of funds within the {d} office",
    "Retirement benefits of an employee of {d}",
    "Objection raised on the accounts of {d}",
    "Recruitment against vacant posts in {d}",
    "Transfer and posting of officers in {d}",
    "Complaint of a citizen of {d} regarding delay",
    "Procurement of equipment for the {d} office",
    "Repair of the government building at {d}",
    "Inquiry into irregularities reported from {d}",
    "Grant-in-aid to the municipal committee {d}",
    "Annual development programme schemes of {d}",
    "Court case filed by employees of {d}",
]
SENDERS = [
    "Accountant General Khyber Pakhtunkhwa",
    "Secretary Planning and Development",
    "Deputy Commissioner {d}",
    "District Accounts Officer {d}",
    "Auditor General of Pakistan",
    "Chief Minister's Secretariat",
    "Secretary Establishment",
    "Secretary Law",
    "District Education Officer {d}",
    "Director General Health Services",
]
CITIZENS = [
    "Gul Bano",
    "Sher Alam",
    "Nasreen Akhtar",
    "Amanullah",
    "Zarmina Bibi",
    "Fazal Rabi",
    "Haji Gul",
    "Shahida Parveen",
    "Muhammad Ayaz",
    "Rehmat Ullah",
    "Bibi Amina",
    "Iqbal Hussain",
]


def _prose(rng: random.Random, words: int) -> str:
    out = [rng.choice(FILLER) for _ in range(words)]
    if rng.random() < 0.1:
        out.insert(rng.randrange(len(out)), rng.choice(URDU))
    return " ".join(out).capitalize() + "."


class Pools:
    """Ready-made prose, drawn from at random."""

    def __init__(self, seed: int, *, paragraphs: int = 3000, pages: int = 1500):
        rng = random.Random(seed)
        self.paragraphs = [_prose(rng, rng.randint(20, 70)) for _ in range(paragraphs)]
        self.pages = [_prose(rng, rng.randint(120, 220)) for _ in range(pages)]
        self.subjects = [s.format(d=d) for s in SUBJECTS for d in DISTRICTS]
        self.senders = [s.format(d=d) for s in SENDERS for d in DISTRICTS[:6]]
        self.remarks = [
            "Please examine and put up.",
            "For orders, please.",
            "Discussed. Process the case as proposed at para above.",
            "Please re-examine in the light of the rules and resubmit.",
            "Comments of the Finance wing may be obtained.",
        ]

    @staticmethod
    def planted(rng: random.Random) -> str:
        """The planted words one file gets, each with its share (may be empty)."""
        return " ".join(word for word, share in PLANTED.items() if rng.random() < share)
