"""The demo scenario, as data. Taken from the seed documents (shared/seeds/):

- a university's work-integrated-learning micro-credential in communication and collaboration,
  co-designed with an electricity-sector employer body, awarded on 80 % in a professional-
  development course plus a "superior" workplace rating on both competencies (seed 000);
- a college's assessment-only credential with a pre-test and a post-test (seed 001, action 9);
- three digital-skills micro-credentials that stack into a certificate (seed 000, spring 2020);
- two employers and a dozen learners at different stages.

Organizations and people are fictional.
"""

from __future__ import annotations

DEMO_PASSWORD = "microcred-demo"  # noqa: S105 - printed by `make demo`; demo accounts only

PLATFORM = {"slug": "microcred", "name": "microcred platform", "kind": "platform"}

ORGANIZATIONS = [
    {
        "slug": "grand-river-university",
        "name": "Grand River University",
        "kind": "provider",
        "provider_type": "university",
        "region": "ON",
        "website": "https://grandriver.example",
        "description": "Co-operative education and work-integrated learning for 20,000 students.",
    },
    {
        "slug": "northern-lights-college",
        "name": "Northern Lights College",
        "kind": "provider",
        "provider_type": "college",
        "region": "BC",
        "website": "https://northernlights.example",
        "description": "A college whose assessment centre recognizes skills learned anywhere.",
    },
    {
        "slug": "power-sector-skills-council",
        "name": "Power Sector Skills Council",
        "kind": "employer",
        "region": "ON",
        "website": "https://powerskills.example",
        "description": "The electricity sector's human-resources body; it names the skills the sector needs.",
    },
    {
        "slug": "maple-grid-energy",
        "name": "Maple Grid Energy",
        "kind": "employer",
        "region": "ON",
        "website": "https://maplegrid.example",
        "description": "A regional electricity distributor.",
    },
]

# Organizations' names and descriptions in French (issue 18), by slug.
ORGANIZATION_TRANSLATIONS = {
    "grand-river-university": {
        "fr": {
            "name": "Université Grand River",
            "description": "Enseignement coopératif et apprentissage intégré au travail pour 20 000 étudiants.",
        }
    },
}

# (e-mail, name, organization slug, role)
STAFF = [
    ("admin@microcred.example", "Platform Administrator", "microcred", "admin"),
    ("amira.haddad@grandriver.example", "Amira Haddad", "grand-river-university", "admin"),
    ("luc.tremblay@grandriver.example", "Luc Tremblay", "grand-river-university", "reviewer"),
    ("grace.okafor@grandriver.example", "Grace Okafor", "grand-river-university", "assessor"),
    ("career.centre@grandriver.example", "Priya Nair", "grand-river-university", "practitioner"),
    ("sofia.martin@northernlights.example", "Sofia Martin", "northern-lights-college", "admin"),
    ("ken.watanabe@northernlights.example", "Ken Watanabe", "northern-lights-college", "reviewer"),
    ("olivia.chen@northernlights.example", "Olivia Chen", "northern-lights-college", "assessor"),
    ("daniel.roy@powerskills.example", "Daniel Roy", "power-sector-skills-council", "admin"),
    ("hr@maplegrid.example", "Nadia Bouchard", "maple-grid-energy", "admin"),
    ("supervisor@maplegrid.example", "Marc Gagnon", "maple-grid-energy", "assessor"),
    ("recruiter@maplegrid.example", "Hannah Lee", "maple-grid-energy", "verifier"),
]

WIL_CREDENTIAL = {
    "key": "wil",
    "provider": "grand-river-university",
    "title": "Communication and Collaboration in the Workplace",
    "summary": "Shows, through a co-op work term, that you communicate and collaborate at a superior level.",
    "description": (
        "A work-integrated-learning micro-credential for engineering co-op students. Learners complete the "
        "professional-development course on workplace communication and are evaluated by their workplace "
        "supervisor on two competencies the electricity sector asked for: communication and collaboration."
    ),
    "delivery_mode": "hybrid",
    "pace": "cohort",
    "workload_hours": "40",
    "cost": "0",
    "award_criteria": (
        "At least 80 % in the professional-development course, and a 'superior' rating from the workplace "
        "supervisor on both communication and collaboration."
    ),
    "award_rule": (
        'grade("PD course") >= 80 and level("communication") >= "superior" and level("collaboration") >= "superior"'
    ),
    "co_designed_with": ["power-sector-skills-council"],
    "learning_outcomes": [
        "Write clear work messages, notices and reports for co-workers, supervisors and customers.",
        "Lead a short team briefing and check that everyone understood it.",
        "Work with others toward a shared goal and resolve disagreements respectfully.",
    ],
    # The demo's bilingual credential (issue 18): every text also in French.
    "translations": {
        "fr": {
            "title": "Communication et collaboration en milieu de travail",
            "summary": (
                "Démontre, au cours d'un stage coopératif, que vous communiquez et collaborez à un niveau supérieur."
            ),
            "description": (
                "Une microcertification d'apprentissage intégré au travail pour les stagiaires coopératifs en "
                "génie. Les apprenants suivent le cours de perfectionnement professionnel sur la communication en "
                "milieu de travail et sont évalués par leur superviseur sur deux compétences que le secteur de "
                "l'électricité a demandées : la communication et la collaboration."
            ),
            "award_criteria": (
                "Au moins 80 % au cours de perfectionnement professionnel, et la cote « supérieur » du superviseur "
                "en milieu de travail en communication et en collaboration."
            ),
            "learning_outcomes": [
                "Rédiger des messages, des avis et des rapports clairs pour les collègues, les superviseurs et les "
                "clients.",
                "Animer une courte séance d'information d'équipe et vérifier que chacun l'a comprise.",
                "Travailler avec d'autres vers un but commun et résoudre les désaccords avec respect.",
            ],
        }
    },
}

ASSESSMENT_ONLY_CREDENTIAL = {
    "key": "informatics",
    "provider": "northern-lights-college",
    "title": "Health Care Informatics Fundamentals (assessment only)",
    "summary": "Already know it? Pass the pre-test, take the post-test at once, and earn the credential.",
    "description": (
        "An assessment-only route for people who learned health-informatics skills at work. A passed pre-test "
        "unlocks the post-test immediately; a failed one gives a gap report and the modules that close it."
    ),
    "delivery_mode": "online",
    "pace": "on_demand",
    "workload_hours": "6",
    "cost": "150",
    "assessment_only": True,
    "award_criteria": (
        "Pass the proctored post-test (70 % or more). The pre-test decides whether you may go straight to it."
    ),
    "award_rule": 'passed("post-test")',
}

STACKABLE_CREDENTIALS = [
    {
        "key": "marketing",
        "provider": "northern-lights-college",
        "title": "Digital Marketing Essentials",
        "summary": "Plan, run and measure a small digital marketing campaign.",
        "delivery_mode": "online",
        "pace": "self_paced",
        "workload_hours": "30",
        "cost": "395",
        "award_criteria": "Campaign project graded 70 % or more.",
        "award_rule": 'grade("campaign project") >= 70',
    },
    {
        "key": "webdesign",
        "provider": "northern-lights-college",
        "title": "Web Design Foundations",
        "summary": "Build an accessible, responsive web page for a small business.",
        "delivery_mode": "hybrid",
        "pace": "cohort",
        "workload_hours": "36",
        "cost": "450",
        "award_criteria": "Portfolio site meets the rubric at 'good' or better.",
        "award_rule": 'level("web design") >= "good"',
    },
    {
        "key": "ecommerce",
        "provider": "northern-lights-college",
        "title": "E-commerce Operations",
        "summary": "Set up and operate an online store: catalog, payments, fulfilment.",
        "delivery_mode": "in_person",
        "pace": "cohort",
        "workload_hours": "32",
        "cost": "425",
        "award_criteria": "Store launch project graded 70 % or more.",
        "award_rule": 'grade("store project") >= 70',
    },
]

PATHWAY = {
    "provider": "northern-lights-college",
    "title": "Certificate in Digital Business",
    "kind": "certificate",
    "rule": "all",
    "members": ["marketing", "webdesign", "ecommerce"],
    "description": "Earn all three digital-business micro-credentials to receive the college certificate.",
}

# (e-mail, name, [(credential key, enrolment status)])
LEARNERS = [
    ("maya.singh@learner.example", "Maya Singh", [("wil", "awarded")]),
    ("noah.white@learner.example", "Noah White", [("wil", "assessed")]),
    ("chloe.gauthier@learner.example", "Chloé Gauthier", [("wil", "in_progress")]),
    ("ethan.brown@learner.example", "Ethan Brown", [("wil", "enrolled")]),
    ("aisha.mohamed@learner.example", "Aisha Mohamed", [("informatics", "awarded")]),
    ("liam.oconnor@learner.example", "Liam O'Connor", [("informatics", "in_progress")]),
    ("zoe.lavoie@learner.example", "Zoé Lavoie", [("informatics", "enrolled")]),
    (
        "omar.farouk@learner.example",
        "Omar Farouk",
        [("marketing", "awarded"), ("webdesign", "awarded"), ("ecommerce", "awarded")],
    ),
    ("julia.kowalski@learner.example", "Julia Kowalski", [("marketing", "awarded"), ("webdesign", "in_progress")]),
    ("samuel.osei@learner.example", "Samuel Osei", [("marketing", "enrolled")]),
    ("emma.roberts@learner.example", "Emma Roberts", [("wil", "awarded"), ("marketing", "awarded")]),
    ("lucas.pelletier@learner.example", "Lucas Pelletier", []),
]

# ---------------------------------------------------------------- assessment (issue 6)

# Each provider's competency framework: (provider slug, title, [(code, short name, statement)]).
FRAMEWORKS = [
    (
        "grand-river-university",
        "Workplace Essential Skills",
        [
            ("COM", "communication", "Communicates clearly with co-workers, supervisors and clients."),
            ("COL", "collaboration", "Works with others toward shared goals and resolves conflict."),
        ],
    ),
    (
        "northern-lights-college",
        "Digital Business and Health Informatics Skills",
        [
            ("HR", "health records", "Keeps electronic health records accurate and complete."),
            ("PRIV", "privacy", "Protects personal health information as privacy law requires."),
            ("STD", "data standards", "Uses health data standards such as HL7 FHIR and ICD-10-CA correctly."),
            ("WEB", "web design", "Designs accessible, responsive web pages for a small business."),
        ],
    ),
]
# The six-level performance scale of the work-integrated-learning seed, lowest first.
SCALE_NAME = "Performance scale"
SCALE_LEVELS = ["unsatisfactory", "satisfactory", "good", "very good", "excellent", "superior"]

# Assessment plans: credential key -> components. A component's competencies are rated on its provider's scale.
PLANS = {
    "wil": [
        {"name": "PD course", "kind": "course_grade", "max_score": 100, "pass_mark": 80},
        {
            "name": "Workplace evaluation",
            "kind": "workplace_evaluation",
            "competencies": ["communication", "collaboration"],
        },
    ],
    "informatics": [
        {
            "name": "pre-test",
            "kind": "pre_test",
            "max_score": 40,
            "pass_mark": 60,
            "competencies": ["health records", "privacy", "data standards"],
        },
        {
            "name": "post-test",
            "kind": "post_test",
            "max_score": 40,
            "pass_mark": 70,
            "unlocked_by": "pre-test",
            "prior_learning_allowed": True,
        },
    ],
    "marketing": [{"name": "campaign project", "kind": "project", "max_score": 100, "pass_mark": 70}],
    "webdesign": [
        {"name": "wireframe exercise", "kind": "exam", "max_score": 20, "pass_mark": 60},
        {"name": "portfolio site", "kind": "portfolio", "competencies": ["web design"]},
    ],
    "ecommerce": [{"name": "store project", "kind": "project", "max_score": 100, "pass_mark": 70}],
}

# The results that bring an enrolment to its stage, recorded through the services in this order:
# (credential key, stage) -> [(component, by "assessor" or the employer's "supervisor", result)].
ATTESTATION = "I supervised this student's twelve-week co-op term and observed this work myself."
RESULTS = {
    ("wil", "awarded"): [
        ("PD course", "assessor", {"score": 82}),
        (
            "Workplace evaluation",
            "supervisor",
            {"ratings": {"communication": "superior", "collaboration": "superior"}, "attestation": ATTESTATION},
        ),
    ],
    ("wil", "assessed"): [
        ("PD course", "assessor", {"score": 85}),
        (
            "Workplace evaluation",
            "supervisor",
            {"ratings": {"communication": "superior", "collaboration": "excellent"}},
        ),
    ],
    ("wil", "in_progress"): [("PD course", "assessor", {"score": 78})],
    ("informatics", "awarded"): [
        (
            "pre-test",
            "assessor",
            {"score": 34, "ratings": {"health records": "excellent", "privacy": "superior", "data standards": "good"}},
        ),
        ("post-test", "assessor", {"score": 33}),
    ],
    ("informatics", "in_progress"): [
        (
            "pre-test",
            "assessor",
            {
                "score": 18,
                "ratings": {
                    "health records": "very good",
                    "privacy": "satisfactory",
                    "data standards": "unsatisfactory",
                },
            },
        ),
    ],
    ("marketing", "awarded"): [("campaign project", "assessor", {"score": 88})],
    ("webdesign", "awarded"): [
        ("wireframe exercise", "assessor", {"score": 17}),
        ("portfolio site", "assessor", {"ratings": {"web design": "excellent"}}),
    ],
    ("webdesign", "in_progress"): [("wireframe exercise", "assessor", {"score": 15})],
    ("ecommerce", "awarded"): [("store project", "assessor", {"score": 91})],
}
# The employer whose supervisor evaluates work-integrated learning.
WORKPLACE = "maple-grid-energy"
# Evidence learners share with employers: (e-mail, credential key, title, reflection).
EVIDENCE = [
    (
        "maya.singh@learner.example",
        "wil",
        "What my co-op term taught me about communication",
        "I led the morning safety briefing for my crew and rewrote the outage notice templates with the "
        "customer-service team.",
    ),
]
