"""The controlled vocabularies of the European Learning Model (ELM 3) that an ELM export of a micro-credential uses,
and how microcred's typology values map onto them (both ways).

The concept IRIs are the Europass ones, as listed in the European Commission's ELM repository
(``xsd/loq/cv/*.xsd``: modes, learning settings, assessment types, credit systems, EQF) and the Publications Office's
authority tables (countries, languages). Values with no Europass concept (a credit unit other than ECTS or ECVET,
"several methods" of assessment) are written as concepts of microcred's own scheme, ``urn:microcred:…``, so that
they come back on import; another ELM consumer reads their ``prefLabel``.
"""

from __future__ import annotations

EQF = "http://data.europa.eu/snb/eqf/"
EQF_SCHEME = "http://data.europa.eu/snb/eqf/25831c2"
ISCED_F = "http://data.europa.eu/snb/isced-f/"
ISCED_F_SCHEME = "http://data.europa.eu/snb/isced-f/25831c2"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
COUNTRY_SCHEME = "http://publications.europa.eu/resource/authority/country"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
LANGUAGE_SCHEME = "http://publications.europa.eu/resource/authority/language"
MODE_SCHEME = "http://data.europa.eu/snb/learning-assessment/25831c2"
SETTING_SCHEME = "http://data.europa.eu/snb/learning-setting/25831c2"
ASSESSMENT_SCHEME = "http://data.europa.eu/snb/assessment/25831c2"
CREDIT_SCHEME = "http://data.europa.eu/snb/education-credit/25831c2"
MICROCRED_SCHEME = "urn:microcred:scheme"

# delivery mode -> ELM mode (europass-modes)
MODES = {
    "online": ("http://data.europa.eu/snb/learning-assessment/920fbb3cbe", "Online"),
    "in_person": ("http://data.europa.eu/snb/learning-assessment/9191af2ed9", "Presential"),
    "hybrid": ("http://data.europa.eu/snb/learning-assessment/e92d221e4d", "Blended"),
}
WORK_BASED = ("http://data.europa.eu/snb/learning-assessment/729f3bed4b", "Workbased")

# credit or non-credit -> ELM learning setting
SETTINGS = {
    "credit": ("http://data.europa.eu/snb/learning-setting/6fd4685715", "formal learning"),
    "non_credit": ("http://data.europa.eu/snb/learning-setting/e207a81fc7", "non-formal learning"),
}

# assessment method -> ELM assessment type (europass-learning-assessment-types); "workplace" is a practical
# assessment whose mode is work-based, "several methods" has no Europass concept.
ASSESSMENT_TYPES = {
    "exam": ("http://data.europa.eu/snb/assessment/6e6cb2cc78", "written examination"),
    "project": ("http://data.europa.eu/snb/assessment/795dac4096", "project work"),
    "portfolio": ("http://data.europa.eu/snb/assessment/4f03b91c0e", "portfolio"),
    "performance": ("http://data.europa.eu/snb/assessment/6a4db9f11d", "practical assessment"),
    "workplace": ("http://data.europa.eu/snb/assessment/6a4db9f11d", "practical assessment"),
    "mixed": ("urn:microcred:assessment-method:mixed", "several assessment methods"),
}

# credit unit -> credit system
CREDIT_SYSTEMS = {
    "ects": ("http://data.europa.eu/snb/education-credit/6fcec5c5af", "European Credit Transfer System"),
    "course_credits": ("urn:microcred:credit-unit:course_credits", "course credits"),
    "credit_hours": ("urn:microcred:credit-unit:credit_hours", "credit hours"),
    "ceu": ("urn:microcred:credit-unit:ceu", "continuing education units"),
}
ECVET = "http://data.europa.eu/snb/education-credit/60b314e826"

# microcred language -> Publications Office language codes (a bilingual English-French design states both)
LANGUAGES = {"en": ["ENG"], "fr": ["FRA"], "es": ["SPA"], "en-fr": ["ENG", "FRA"], "other": ["MUL"]}
LANGUAGE_LABELS = {"ENG": "English", "FRA": "French", "SPA": "Spanish", "MUL": "Multiple languages"}

# ISCED-F 2013 broad fields (the thematic area ELM requires of every learning-achievement specification)
ISCED_F_FIELDS = {
    "00": "Generic programmes and qualifications",
    "01": "Education",
    "02": "Arts and humanities",
    "03": "Social sciences, journalism and information",
    "04": "Business, administration and law",
    "05": "Natural sciences, mathematics and statistics",
    "06": "Information and Communication Technologies",
    "07": "Engineering, manufacturing and construction",
    "08": "Agriculture, forestry, fisheries and veterinary",
    "09": "Health and welfare",
    "10": "Services",
}

# ISO 3166-1 alpha-2 -> the Publications Office's country table (alpha-3 for these)
COUNTRIES = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "HR": "HRV", "CY": "CYP", "CZ": "CZE", "DK": "DNK", "EE": "EST",
    "FI": "FIN", "FR": "FRA", "DE": "DEU", "GR": "GRC", "HU": "HUN", "IE": "IRL", "IT": "ITA", "LV": "LVA",
    "LT": "LTU", "LU": "LUX", "MT": "MLT", "NL": "NLD", "PL": "POL", "PT": "PRT", "RO": "ROU", "SK": "SVK",
    "SI": "SVN", "ES": "ESP", "SE": "SWE", "IS": "ISL", "LI": "LIE", "NO": "NOR", "CH": "CHE", "GB": "GBR",
    "UA": "UKR", "MD": "MDA", "RS": "SRB", "ME": "MNE", "MK": "MKD", "AL": "ALB", "BA": "BIH", "TR": "TUR",
    "GE": "GEO", "AM": "ARM", "CA": "CAN", "US": "USA", "MX": "MEX", "BR": "BRA", "AR": "ARG", "CL": "CHL",
    "CO": "COL", "AU": "AUS", "NZ": "NZL", "JP": "JPN", "KR": "KOR", "CN": "CHN", "IN": "IND", "SG": "SGP",
    "ZA": "ZAF", "NG": "NGA", "KE": "KEN", "MA": "MAR", "TN": "TUN", "EG": "EGY", "IL": "ISR", "AE": "ARE",
    "SN": "SEN", "CI": "CIV", "CM": "CMR", "HT": "HTI", "PH": "PHL", "VN": "VNM",
}
COUNTRIES_BACK = {alpha3: alpha2 for alpha2, alpha3 in COUNTRIES.items()}


def concept(iri: str, label: str, scheme: str = MICROCRED_SCHEME, language: str = "en") -> dict:
    """A SKOS concept node as ELM writes it (typed, with its scheme and an English label)."""
    return {
        "id": iri,
        "type": "Concept",
        "inScheme": {"id": scheme, "type": "ConceptScheme"},
        "prefLabel": {language: label},
    }


def reverse(table: dict[str, tuple[str, str]]) -> dict[str, str]:
    """IRI -> microcred value; the first value listed wins where two share a concept."""
    out: dict[str, str] = {}
    for value, (iri, _label) in table.items():
        out.setdefault(iri, value)
    return out
