"""The demo's career-centre client: Grand River's practitioner advises one client aiming at an occupation.

Runs after the demo's skills data (occupations); without occupations the client has no target yet. Idempotent.
"""

from __future__ import annotations

from django.db.models import Count, Q

from microcred.accounts.models import Organization, User
from microcred.careers import selectors, services
from microcred.careers.models import Client
from microcred.skills.models import Occupation

ORGANIZATION = "grand-river-university"
PRACTITIONER = "career.centre@grandriver.example"
CLIENT_NAME = "Jordan Tremblay"
CLIENT_NOTES = (
    "Eight years in retail management; wants to move into a skilled trade or a technical role. "
    "Prefers evening or online study; budget around $1,500."
)
PREFERRED = ("electrician", "data analyst", "software developer", "welder", "technician")


def _occupation() -> Occupation | None:
    """A preferred occupation if the demo has one, else the one with the most ESCO-linked skills."""
    for word in PREFERRED:
        found = Occupation.objects.filter(title__icontains=word, skills__competency__isnull=False).first()
        if found is not None:
            return found
    linked = Count("skills", filter=Q(skills__competency__isnull=False))
    return Occupation.objects.annotate(linked=linked).filter(linked__gt=0).order_by("-linked", "title").first()


def load_demo_client() -> Client | None:
    organization = Organization.objects.filter(slug=ORGANIZATION).first()
    practitioner = User.objects.filter(email=PRACTITIONER).first()
    if organization is None or practitioner is None:
        return None
    client = Client.objects.filter(organization=organization, display_name=CLIENT_NAME).first()
    if client is not None:
        return client
    client = services.create_client(
        actor=practitioner, organization=organization, display_name=CLIENT_NAME, notes=CLIENT_NOTES
    )
    occupation = _occupation()
    if occupation is None:
        return client
    services.set_target(actor=practitioner, client=client, occupation=occupation)
    target = selectors.occupation_target(occupation)
    optional = [skill.skill for skill in target.skills if not skill.essential][:2]
    if optional:  # what a retail manager brings: a couple of the occupation's optional skills
        services.add_held_skills(actor=practitioner, client=client, skills=optional)
    analysis = selectors.client_analysis(client, target)
    if analysis.recommendations:
        best = analysis.recommendations[0].credential
        services.add_to_shortlist(
            actor=practitioner, client=client, credential=best, note="Covers the most missing essential skills."
        )
    return client
