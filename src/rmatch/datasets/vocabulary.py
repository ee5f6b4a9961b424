"""Vocabularies of synthetic organizations: skills, departments, names, offices.

The generator ([`rmatch.datasets.synthetic_org()`][rmatch.datasets.synthetic_org]) draws
every string cell from these tables, so tests can tell digital skills from career topics
and check that interests and goals come from their clusters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "CAREER_SKILLS",
    "CULTURES",
    "DEPARTMENTS",
    "DIGITAL_SKILLS",
    "EXECUTIVE_DEPARTMENT",
    "GOAL_CLUSTERS",
    "INTEREST_CLUSTERS",
    "LOCATIONS",
    "Culture",
    "Location",
]

#: Digital skills, most popular first (juniors offer them, leaders want them).
DIGITAL_SKILLS: Final[tuple[str, ...]] = (
    "genai",
    "python",
    "social media",
    "tiktok",
    "data visualization",
    "prompt engineering",
    "excel automation",
    "no-code",
    "cybersecurity basics",
    "instagram",
    "linkedin branding",
    "content creation",
    "sql",
    "video editing",
    "power bi",
    "cloud basics",
    "machine learning",
    "web analytics",
    "figma",
    "digital marketing",
    "seo",
    "remote collaboration",
    "automation",
    "chatbots",
    "podcasting",
    "e-commerce",
    "mobile apps",
    "tableau",
    "agile tools",
    "blockchain basics",
)

#: Career topics, most popular first (leaders offer them, juniors want them).
CAREER_SKILLS: Final[tuple[str, ...]] = (
    "strategy",
    "leadership",
    "career planning",
    "negotiation",
    "public speaking",
    "stakeholder management",
    "budgeting",
    "executive presence",
    "people management",
    "decision making",
    "change management",
    "networking",
    "conflict resolution",
    "business acumen",
    "storytelling",
    "coaching",
    "influencing",
    "hiring",
    "giving feedback",
    "time management",
    "organizational design",
    "crisis management",
    "board communication",
    "p&l ownership",
)

#: Functional departments, in the order they appear as the organization grows,
#: with their relative size and a few domain skills each.
DEPARTMENTS: Final[tuple[tuple[str, float, tuple[str, ...]], ...]] = (
    ("Engineering", 0.22, ("system design", "devops", "code review")),
    ("Sales", 0.14, ("account management", "pipeline management")),
    ("Marketing", 0.08, ("brand management", "market research")),
    ("Operations", 0.10, ("supply chain", "lean")),
    ("Finance", 0.06, ("financial modeling", "forecasting")),
    ("HR", 0.04, ("talent development", "labor law")),
    ("Product", 0.06, ("product discovery", "roadmapping")),
    ("Data", 0.05, ("statistics", "data engineering")),
    ("Legal", 0.02, ("contract law", "compliance")),
    ("Design", 0.03, ("ux research", "visual design")),
    ("Customer Success", 0.07, ("customer onboarding", "churn analysis")),
    ("IT", 0.05, ("it service management", "network administration")),
    ("Procurement", 0.02, ("vendor management", "sourcing")),
    ("Communications", 0.02, ("press relations", "internal communications")),
    ("Research", 0.03, ("experimental design", "patent writing")),
    ("Strategy", 0.01, ("market analysis", "scenario planning")),
)

#: Department of the chief executive (not counted in ``n_departments``).
EXECUTIVE_DEPARTMENT: Final[str] = "Executive"

#: Interests: 8 clusters of 5 tokens.
INTEREST_CLUSTERS: Final[tuple[tuple[str, ...], ...]] = (
    ("hiking", "running", "cycling", "climbing", "camping"),
    ("photography", "painting", "music", "theatre", "creative writing"),
    ("gaming", "robotics", "3d printing", "open source", "gadgets"),
    ("cooking", "baking", "coffee", "wine", "street food"),
    ("football", "yoga", "swimming", "tennis", "badminton"),
    ("travel", "foreign languages", "history", "reading", "podcasts"),
    ("volunteering", "sustainability", "diversity", "community building", "parenting"),
    ("chess", "meditation", "board games", "puzzles", "investing"),
)

#: Goals: 5 clusters of 3 tokens.
GOAL_CLUSTERS: Final[tuple[tuple[str, ...], ...]] = (
    ("understand genai", "use social media professionally", "data-driven decisions"),
    ("understand the next generation", "lead hybrid teams", "foster innovation"),
    ("get promoted", "plan my career", "build leadership skills"),
    ("grow my network", "visibility with leadership", "cross-department exposure"),
    ("work-life balance", "confidence", "learn something new"),
)


@dataclass(frozen=True)
class Culture:
    """Name pool of one culture and how its names are written.

    Attributes
    ----------
    given, family : tuple of str
        Given names and family names.
    family_first : bool
        Write the family name first (``"Nguyễn Văn Minh"``).
    email_given_last_word : bool
        Use the last word of the given name in e-mails (Vietnamese: ``"Thị Hồng"``
        gives ``hong``).
    weight : float
        Relative share among people working away from their culture's offices.
    """

    given: tuple[str, ...]
    family: tuple[str, ...]
    family_first: bool = False
    email_given_last_word: bool = False  # Vietnamese: "Thị Hồng" -> "hong"
    weight: float = 1.0


#: Name pools by culture (the keys are what `Location.culture` names).
CULTURES: Final[dict[str, Culture]] = {
    "english": Culture(
        given=(
            "James", "Olivia", "Emily", "Michael", "Sarah", "David", "Jessica",
            "Daniel", "Aisha", "Ethan", "Grace", "Noah", "Chloe", "Liam", "Zoë",
            "Marcus",
        ),
        family=(
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Taylor", "Davies",
            "Wilson", "Evans", "Thomas", "Roberts", "O'Connor", "Walker", "Wright",
            "Clarke", "Murphy",
        ),
        weight=3.0,
    ),
    "german": Culture(
        given=(
            "Lena", "Jonas", "Sophie", "Lukas", "Anna", "Maximilian", "Marie", "Felix",
            "Jürgen", "Jörg", "Hannah", "Paul", "Ute", "Björn", "Lea", "Käthe",
        ),
        family=(
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
            "Becker", "Schäfer", "Koch", "Bauer", "Richter", "Groß", "Wolf",
            "Köhler", "Hoffmann",
        ),
        weight=2.0,
    ),
    "vietnamese": Culture(
        given=(
            "Thị Hồng", "Văn Minh", "Minh Anh", "Thị Lan", "Quốc Bảo", "Ngọc Trâm",
            "Đức Thắng", "Thu Hà", "Hoàng Long", "Thanh Hương", "Gia Huy",
            "Bảo Ngọc", "Tuấn Kiệt", "Phương Linh", "Quang Vinh", "Mai Anh",
        ),
        family=(
            "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
            "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
        ),
        family_first=True,
        email_given_last_word=True,
        weight=1.5,
    ),
    "turkish": Culture(
        given=(
            "Ayşe", "Mehmet", "Elif", "Mustafa", "Zeynep", "Emre", "Büşra", "Çağlar",
            "Gökhan", "Şule", "İbrahim", "Özge", "Barış", "Ece", "Oğuz", "Yağmur",
        ),
        family=(
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın",
            "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Koç", "Kurt",
        ),
        weight=1.0,
    ),
    "portuguese": Culture(
        given=(
            "João", "Ana", "Gonçalo", "Maria", "Beatriz", "Tiago", "Inês",
            "Conceição", "Sebastião", "Lúcia", "Thiago", "Camila", "Letícia",
            "Rafael", "Fernanda", "Luís",
        ),
        family=(
            "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues",
            "Almeida", "Nascimento", "Lima", "Araújo", "Fernandes", "Gonçalves",
            "Magalhães", "Brandão",
        ),
        weight=1.5,
    ),
    "indian": Culture(
        given=(
            "Aarav", "Priya", "Ananya", "Rohan", "Vikram", "Diya", "Arjun", "Kavya",
            "Rahul", "Sneha", "Aditya", "Meera", "Ishaan", "Pooja", "Siddharth",
            "Lakshmi",
        ),
        family=(
            "Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Singh", "Kumar",
            "Rao", "Menon", "Das", "Joshi", "Mehta", "Chatterjee", "Krishnan",
        ),
        weight=2.0,
    ),
    "chinese": Culture(
        given=(
            "Wei Ling", "Jun Jie", "Hui Min", "Zhi Hao", "Xin Yi", "Kai Wen",
            "Mei Ling", "Jia Hui", "Yong Sheng", "Shu Fen",
        ),
        family=(
            "Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Chan", "Koh",
            "Teo",
        ),
        family_first=True,
        weight=1.0,
    ),
    "french": Culture(
        given=(
            "Élodie", "Théo", "Chloé", "Léa", "Hélène", "François", "Mathéo",
            "Camille", "Noémie", "Gaël", "Amélie", "Étienne", "Manon", "Hugo",
            "Jérôme", "Anaïs",
        ),
        family=(
            "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
            "Durand", "Leroy", "Moreau", "Lefèvre", "Girard", "Bonnet", "Rousseau",
            "Lambert",
        ),
        weight=1.0,
    ),
    "spanish": Culture(
        given=(
            "Sofía", "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Lucía",
            "José", "Ximena", "Andrés", "María José", "Nicolás", "Ángel", "Renata",
            "Iñaki", "Paula",
        ),
        family=(
            "García", "Hernández", "López", "Martínez", "González", "Pérez",
            "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz",
            "Cruz", "Núñez",
        ),
        weight=1.5,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Location:
    """An office of the synthetic organization.

    Attributes
    ----------
    name, timezone : str
        City and IANA time zone.
    culture : str
        Key of `CULTURES` most people's names come from.
    languages : tuple of str
        Languages everyone there speaks.
    p_english : float
        Probability of English when it is not already listed.
    extra : str
        A second foreign language some people speak.
    weight : float
        Relative share of people working there.
    """

    name: str
    timezone: str
    culture: str
    languages: tuple[str, ...]  # always spoken
    p_english: float  # probability of english when not already listed
    extra: str  # second foreign language some people speak
    weight: float


# office|time zone|name culture|languages|P(english)|extra language|weight
_LOCATION_TABLE: Final = """
Berlin          |Europe/Berlin      |german    |german           |0.90|french    |0.16
New York        |America/New_York   |english   |english          |1.00|spanish   |0.12
Ho Chi Minh City|Asia/Ho_Chi_Minh   |vietnamese|vietnamese       |0.80|japanese  |0.10
London          |Europe/London      |english   |english          |1.00|french    |0.09
Bengaluru       |Asia/Kolkata       |indian    |english; hindi   |1.00|kannada   |0.10
São Paulo       |America/Sao_Paulo  |portuguese|portuguese       |0.70|spanish   |0.08
Singapore       |Asia/Singapore     |chinese   |english; mandarin|1.00|malay     |0.07
Munich          |Europe/Berlin      |german    |german           |0.90|italian   |0.05
Istanbul        |Europe/Istanbul    |turkish   |turkish          |0.75|german    |0.06
Hanoi           |Asia/Ho_Chi_Minh   |vietnamese|vietnamese       |0.75|french    |0.05
Lisbon          |Europe/Lisbon      |portuguese|portuguese       |0.85|spanish   |0.04
Paris           |Europe/Paris       |french    |french           |0.80|german    |0.04
Mexico City     |America/Mexico_City|spanish   |spanish          |0.70|portuguese|0.03
Toronto         |America/Toronto    |english   |english; french  |1.00|mandarin  |0.03
"""


def _parse_locations(table: str) -> tuple[Location, ...]:
    rows = []
    for line in table.strip().splitlines():
        name, tz, culture, langs, p_en, extra, weight = (
            c.strip() for c in line.split("|")
        )
        languages = tuple(x.strip() for x in langs.split(";"))
        rows.append(
            Location(name, tz, culture, languages, float(p_en), extra, float(weight))
        )
    return tuple(rows)


#: Office locations (the first allowed one is headquarters).
LOCATIONS: Final[tuple[Location, ...]] = _parse_locations(_LOCATION_TABLE)
