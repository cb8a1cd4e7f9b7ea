"""Stacking across providers (issue 17 part 2): ``holds`` in award rules, trust lists, recognition agreements,
the automatic award of a pathway's credential, and the credit ladder with its sources."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from microcred.accounts.models import Organization, User
from microcred.assessment import award_rules, holdings, ladder
from microcred.assessment.models import AssessmentComponent, Award
from microcred.assessment.services import enrolment as enrolments
from microcred.assessment.services import evaluations, plans, stacks
from microcred.audit.models import AuditEntry
from microcred.catalog import pathways, recognition
from microcred.catalog.models import AgreementStatus, MicroCredential
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.issuing.identity import organization_did
from microcred.notifications.models import Notification
from microcred.testing.assessment import as_draft, make_published_credential
from microcred.testing.factories import make_member, make_organization, make_user
from microcred.vc import compose, data_integrity
from microcred.vc.dates import format_date_time
from microcred.vc.keys import Ed25519KeyPair
from microcred.wallet import services as wallet

pytestmark = pytest.mark.django_db

FIRST_AID = "https://elsewhere.example/achievements/first-aid"
TRUSTED_SEED, UNTRUSTED_SEED = bytes(range(32)), bytes(range(1, 33))


def external_credential(
    seed: bytes = TRUSTED_SEED, *, achievement: str = FIRST_AID, valid_until: datetime | None = None
) -> bytes:
    """An Open Badges 3.0 credential signed elsewhere, by a did:key issuer."""
    pair = Ed25519KeyPair.from_seed(seed)
    unsigned = compose.open_badge_credential(
        id=f"urn:uuid:{uuid.uuid4()}",
        issuer={"id": pair.did_key, "type": ["Profile"], "name": "Elsewhere Polytechnic"},
        achievement={
            "id": achievement,
            "type": ["Achievement"],
            "name": "First aid",
            "description": "Gives first aid at work.",
            "criteria": {"narrative": "Pass the practical."},
        },
        subject_id="did:example:learner",
        valid_from=format_date_time(datetime.now(UTC) - timedelta(days=30)),
        valid_until=format_date_time(valid_until) if valid_until else None,
    )
    return json.dumps(
        data_integrity.sign(unsigned, pair, verification_method=pair.did_key_verification_method)
    ).encode()


def did_of(seed: bytes) -> str:
    return Ed25519KeyPair.from_seed(seed).did_key


class Stack:
    def __init__(self) -> None:
        self.provider = make_organization("provider", name="Maple College")
        self.admin = make_member(self.provider, "admin")
        self.assessor = make_member(self.provider, "assessor")
        self.web = self.course("Web Design", credits="3")
        self.certificate = make_published_credential(self.provider, title="Workplace Web Certificate")
        self.pathway = pathways.save_pathway(
            actor=self.admin,
            provider=self.provider,
            title="Workplace web",
            kind="certificate",
            members=[self.web],
            external_components=[{"achievement": FIRST_AID, "name": "First aid", "credits": "1"}],
            resulting_credential=self.certificate,
        )
        recognition.add_trusted_issuer(
            actor=self.admin, provider=self.provider, issuer_did=did_of(TRUSTED_SEED), name="Elsewhere"
        )

    def course(self, title: str, credits: str = "3", provider: Organization | None = None) -> MicroCredential:
        provider = provider or self.provider
        admin = self.admin if provider == self.provider else make_member(provider, "admin")
        credential = make_published_credential(
            provider, title=title, credit_type="credit", credit_value=credits, credit_unit="course_credits"
        )
        with as_draft(credential):
            plans.add_component(
                actor=admin, credential=credential, name="Project", kind="course_grade", max_score=100, pass_mark=50
            )
            plans.save_award_rule(actor=admin, credential=credential, rule='grade("Project") >= 50')
        credential.refresh_from_db()
        return credential

    def pass_course(self, learner: User, credential: MicroCredential | None = None) -> None:
        credential = credential or self.web
        enrolled = enrolments.enrol(actor=learner, learner=learner, credential=credential)
        component = AssessmentComponent.objects.get(plan__credential=credential, name="Project")
        assessor = (
            self.assessor if credential.provider == self.provider else make_member(credential.provider, "assessor")
        )
        evaluations.record_evaluation(actor=assessor, enrolment=enrolled, component=component, score="80")


@pytest.fixture
def stack(db: None) -> Stack:
    return Stack()


def stack_awards(stack: Stack, learner: User) -> list[Award]:
    return list(Award.objects.filter(enrolment__learner=learner, enrolment__credential=stack.certificate))


def test_a_trusted_import_and_the_last_local_component_award_the_stack_and_an_untrusted_one_does_not_count(
    stack, django_capture_on_commit_callbacks
) -> None:
    """The issue's "done": a learner who imports a trusted external credential and earns the last local component is
    awarded the stacked credential automatically; one from an untrusted issuer does not count, and the page says why."""
    trusting = make_user(email="ana@learner.example")
    with django_capture_on_commit_callbacks(execute=True):
        wallet.import_credential(owner=trusting, data=external_credential(TRUSTED_SEED))
    assert stack_awards(stack, trusting) == []  # the local component is still missing
    with django_capture_on_commit_callbacks(execute=True):
        stack.pass_course(trusting)
    (award,) = stack_awards(stack, trusting)
    assert award.issued_credential.recipient == trusting
    assert award.issued_credential.achievement_name == "Workplace Web Certificate"
    sources = {c["component"]: c for c in award.decision.inputs["credits_by_source"]}
    assert sources["First aid"]["source"] == "imported" and sources["Web Design"]["source"] == "local"
    assert Notification.objects.filter(recipient=trusting, title__contains="Workplace Web Certificate").exists()
    assert AuditEntry.objects.filter(action="assessment.award_pathway").count() == 1

    untrusting = make_user(email="ben@learner.example")
    with django_capture_on_commit_callbacks(execute=True):
        imported = wallet.import_credential(owner=untrusting, data=external_credential(UNTRUSTED_SEED))
        stack.pass_course(untrusting)
    assert imported.verified is True  # it verifies: it is the issuer that is not trusted
    assert stack_awards(stack, untrusting) == []
    standing = ladder.standing(stack.pathway, untrusting)
    assert not standing.complete
    assert [(c.name, r.reason) for c, r in standing.not_counted] == [("First aid", holdings.UNTRUSTED)]
    client = Client()
    client.force_login(untrusting)
    page = client.get("/wallet/pathways/").content.decode()
    assert "First aid" in page and "not from an issuer Maple College trusts" in page


def test_the_stack_is_never_awarded_twice(stack, django_capture_on_commit_callbacks) -> None:
    learner = make_user()
    wallet.import_credential(owner=learner, data=external_credential(TRUSTED_SEED))
    stack.pass_course(learner)  # no callbacks ran: the events are replayed below
    first = stacks.check_pathways(learner.pk)
    assert len(first) == 1
    assert stacks.check_pathways(learner.pk) == []  # a replay
    with django_capture_on_commit_callbacks(execute=True):  # two more events at once
        stacks.check_after_commit(learner.pk)
        stacks.check_after_commit(learner.pk)
    assert len(stack_awards(stack, learner)) == 1
    assert (
        stacks.award_pathway(learner=learner, pathway=stack.pathway, standing=ladder.standing(stack.pathway, learner))
        is None
    )


@pytest.mark.parametrize(
    ("seed", "valid_until", "reason"),
    [
        (TRUSTED_SEED, datetime.now(UTC) - timedelta(days=1), holdings.EXPIRED),
        (UNTRUSTED_SEED, None, holdings.UNTRUSTED),
    ],
)
def test_an_import_that_does_not_count_says_why(stack, seed, valid_until, reason) -> None:
    learner = make_user()
    wallet.import_credential(owner=learner, data=external_credential(seed, valid_until=valid_until))
    found = holdings.match(holdings.holdings_of(learner), provider=stack.provider, achievement=FIRST_AID)
    assert not found.held and [r.reason for r in found.refused] == [reason]


def test_a_tampered_import_failed_verification(stack) -> None:
    learner = make_user()
    document = json.loads(external_credential(TRUSTED_SEED))
    document["credentialSubject"]["achievement"]["name"] = "Forged"
    wallet.import_credential(owner=learner, data=json.dumps(document).encode())
    found = holdings.match(holdings.holdings_of(learner), provider=stack.provider, achievement=FIRST_AID)
    assert [r.reason for r in found.refused] == [holdings.UNVERIFIED]


# ---------------------------------------------------------------- holds() in award rules


def holds_rule(stack: Stack, rule: str) -> award_rules.CompiledRule:
    return award_rules.compile_rule(rule, award_rules.Signature.build([], []))


@pytest.mark.parametrize(
    "rule",
    ['holds("x")', 'holds("x", "did:key:z6Mk")', 'holds("x", "", "superior")', 'holds("x") and not holds("y")'],
)
def test_holds_takes_one_to_three_texts(rule) -> None:
    award_rules.compile_rule(rule, award_rules.Signature.build([], []))


@pytest.mark.parametrize(("rule", "position"), [("holds()", 0), ('holds("a", "b", "c", "d")', 0), ("holds(3)", 6)])
def test_holds_with_wrong_arguments_is_refused_with_its_position(rule, position) -> None:
    with pytest.raises(award_rules.RuleSyntaxError) as caught:
        award_rules.compile_rule(rule, award_rules.Signature.build([], []))
    assert caught.value.position == position


def test_holds_is_three_valued_and_explains_what_did_not_count(stack) -> None:
    learner = make_user()
    rule = holds_rule(stack, f'holds("{FIRST_AID}")')
    resolver = holdings.resolver(learner.pk, stack.provider)
    decision = award_rules.evaluate(rule, award_rules.Facts(holds=resolver))
    assert decision.outcome == award_rules.UNDETERMINED and decision.missing == [f'holds("{FIRST_AID}")']
    wallet.import_credential(owner=learner, data=external_credential(UNTRUSTED_SEED))
    decision = award_rules.evaluate(rule, award_rules.Facts(holds=holdings.resolver(learner.pk, stack.provider)))
    assert decision.outcome == award_rules.UNDETERMINED
    assert decision.inputs[f'holds("{FIRST_AID}")']["not_counted"][0]["reason"] == "untrusted_issuer"
    wallet.import_credential(owner=learner, data=external_credential(TRUSTED_SEED))
    decision = award_rules.evaluate(rule, award_rules.Facts(holds=holdings.resolver(learner.pk, stack.provider)))
    assert decision.outcome == award_rules.MET
    # Naming the issuer: only credentials it issued count.
    other = holds_rule(stack, f'holds("{FIRST_AID}", "did:web:somewhere.example")')
    decision = award_rules.evaluate(other, award_rules.Facts(holds=holdings.resolver(learner.pk, stack.provider)))
    assert decision.outcome == award_rules.UNDETERMINED


def test_holds_counts_a_credential_awarded_here_in_any_version_and_not_once_revoked(
    stack, django_capture_on_commit_callbacks
) -> None:
    learner = make_user()
    stack.pass_course(learner)
    award = Award.objects.get(enrolment__learner=learner, enrolment__credential=stack.web)
    from microcred.catalog.formats import ctid

    for reference in (ctid(stack.web), award.issued_credential.achievement_id):
        rule = holds_rule(stack, f'holds("{reference}")')
        assert award_rules.evaluate(rule, award_rules.Facts(holds=holdings.resolver(learner.pk, stack.provider))).met
    from microcred.issuing.services import revoke_credential

    revoke_credential(actor=None, credential=award.issued_credential, reason="Mistake")
    rule = holds_rule(stack, f'holds("{ctid(stack.web)}")')
    decision = award_rules.evaluate(rule, award_rules.Facts(holds=holdings.resolver(learner.pk, stack.provider)))
    assert decision.outcome == award_rules.UNDETERMINED
    assert decision.inputs[f'holds("{ctid(stack.web)}")']["not_counted"][0]["reason"] == "revoked"


def test_holds_accepts_the_ctids_the_registry_keeps_for_the_design_and_its_versions(stack) -> None:
    from microcred.registry import ctids

    learner = make_user()
    stack.pass_course(learner)
    design, version = ctids.design_ctid(stack.web), ctids.version_ctid(stack.web)
    for reference in (design, ctids.resource_url(design), version, ctids.resource_url(version)):
        rule = holds_rule(stack, f'holds("{reference}")')
        decision = award_rules.evaluate(rule, award_rules.Facts(holds=holdings.resolver(learner.pk, stack.provider)))
        assert decision.met, reference
    assert holdings.catalog_credential(ctids.resource_url(design)) == stack.web
    # a CTID no one here keeps names nothing
    assert holdings.catalog_credential("ce-00000000-0000-4000-8000-000000000000") is None


def test_holds_with_a_minimum_level() -> None:
    held = holdings.Holding(
        source=holdings.LOCAL,
        public_id="1",
        name="x",
        achievement_ids=("x",),
        issuer="did:web:a",
        levels=((("satisfactory", "good", "superior"), "good"),),
    )
    provider = make_organization("provider", name="P")
    assert holdings.match([held], provider=provider, achievement="x", min_level="satisfactory").held
    too_high = holdings.match([held], provider=provider, achievement="x", min_level="superior")
    assert [r.reason for r in too_high.refused] == [holdings.LEVEL_TOO_LOW]


# ---------------------------------------------------------------- trust list and agreements


def test_the_trust_list_is_permission_checked_and_audited(stack) -> None:
    with pytest.raises(PermissionDenied):
        recognition.add_trusted_issuer(actor=stack.assessor, provider=stack.provider, issuer_did="did:key:z6MkX")
    with pytest.raises(Conflict):
        recognition.add_trusted_issuer(actor=stack.admin, provider=stack.provider, issuer_did=did_of(TRUSTED_SEED))
    with pytest.raises(ValidationFailed):
        recognition.add_trusted_issuer(actor=stack.admin, provider=stack.provider, issuer_did="not a did")
    entry = stack.provider.trusted_issuers.get()
    recognition.remove_trusted_issuer(actor=stack.admin, entry=entry)
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="catalog.").order_by("pk")][-2:] == [
        "catalog.trust_issuer",
        "catalog.distrust_issuer",
    ]


def test_a_registered_organization_on_the_trust_list_is_trusted_by_its_did(stack) -> None:
    other = make_organization("provider", name="Birch Institute")
    held = holdings.Holding(
        source=holdings.IMPORTED, public_id="1", name="x", achievement_ids=("x",), issuer=organization_did(other)
    )
    assert not holdings.match([held], provider=stack.provider, achievement="x").held
    recognition.add_trusted_issuer(actor=stack.admin, provider=stack.provider, organization=other)
    assert holdings.match([held], provider=stack.provider, achievement="x").held


def test_an_agreement_counts_once_both_sides_approved_and_new_terms_need_approval_again(
    stack, django_capture_on_commit_callbacks
) -> None:
    birch = make_organization("provider", name="Birch Institute")
    birch_admin = make_member(birch, "admin")
    html = stack.course("HTML basics", credits="2", provider=birch)
    from microcred.catalog.formats import ctid

    learner = make_user()
    wallet.import_credential(owner=learner, data=external_credential(TRUSTED_SEED))
    stack.pass_course(learner, html)
    assert not ladder.standing(stack.pathway, learner).complete  # Birch's HTML is not Maple's Web Design
    agreement = recognition.propose_agreement(
        actor=birch_admin,
        proposer=birch,
        recognising=stack.provider,
        recognised=birch,
        achievement=ctid(html),
        achievement_name="HTML basics",
        satisfies=stack.web,
    )
    assert agreement.status == AgreementStatus.PROPOSED and not ladder.standing(stack.pathway, learner).complete
    with pytest.raises(PermissionDenied):
        recognition.approve_agreement(actor=birch_admin, agreement=agreement, organization=stack.provider)
    with pytest.raises(Conflict):
        recognition.approve_agreement(actor=birch_admin, agreement=agreement, organization=birch)
    with django_capture_on_commit_callbacks(execute=True):
        agreement = recognition.approve_agreement(actor=stack.admin, agreement=agreement, organization=stack.provider)
    assert agreement.status == AgreementStatus.APPROVED
    standing = ladder.standing(stack.pathway, learner)
    web = next(c for c in standing.components if c.name == "Web Design")
    assert standing.complete and web.counted.agreement == agreement and web.credit == Decimal("3")
    # New terms (2 credits) are a new version: the old one stays in force until both approve it.
    revised = recognition.propose_agreement(
        actor=stack.admin,
        proposer=stack.provider,
        recognising=stack.provider,
        recognised=birch,
        achievement=ctid(html),
        satisfies=stack.web,
        credits="2",
        previous=agreement,
    )
    assert revised.version == 2 and revised.status == AgreementStatus.PROPOSED
    assert ladder.standing(stack.pathway, learner).complete
    recognition.approve_agreement(actor=birch_admin, agreement=revised, organization=birch)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SUPERSEDED
    web = next(c for c in ladder.standing(stack.pathway, learner).components if c.name == "Web Design")
    assert web.counted.agreement.version == 2 and web.credit == Decimal("2")
    recognition.close_agreement(actor=birch_admin, agreement=revised, organization=birch)
    assert not ladder.standing(stack.pathway, learner).complete
    actions = set(AuditEntry.objects.filter(action__contains="agreement").values_list("action", flat=True))
    assert actions == {"catalog.propose_agreement", "catalog.approve_agreement", "catalog.withdraw_agreement"}


def test_a_credit_ladder_lists_every_credits_source_and_what_would_fill_it(stack) -> None:
    more = stack.course("Accessibility", credits="2")
    ladder_pathway = pathways.save_pathway(
        actor=stack.admin,
        provider=stack.provider,
        title="Web credits",
        kind="certificate",
        members=[stack.web, more],
        external_components=[{"achievement": FIRST_AID, "name": "First aid", "credits": "1"}],
        rule="min_credits",
        min_credits="5",
    )
    learner = make_user()
    wallet.import_credential(owner=learner, data=external_credential(TRUSTED_SEED))
    stack.pass_course(learner)
    standing = ladder.standing(ladder_pathway, learner)
    assert (standing.complete, standing.credits, standing.credits_needed) == (False, Decimal("4"), Decimal("1"))
    assert [f.title for f in standing.fillers] == ["Accessibility"]
    body = standing.to_json()
    assert {(c["component"], c["credits"], c["source"]) for c in body["credits_by_source"]} == {
        ("First aid", "1.00", "imported"),
        ("Web Design", "3.00", "local"),
    }
    assert ladder.progress_preview(ladder_pathway) == {0: 0, 1: 0, 2: 1, 3: 0}


def test_a_rule_with_holds_awards_once_the_credential_is_imported(stack, django_capture_on_commit_callbacks) -> None:
    """An award rule naming an external achievement: the grade is in, the learner imports the credential later, and
    the import decides the rule again and awards (the decision lists what counted)."""
    capstone = stack.course("Capstone", credits="3")
    rule = f'grade("Project") >= 50 and holds("{FIRST_AID}")'
    with as_draft(capstone):
        plans.save_award_rule(actor=stack.admin, credential=capstone, rule=rule)
    learner = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        stack.pass_course(learner, capstone)
    enrolled = capstone.enrolments.get(learner=learner)
    assert enrolled.status == "in_progress" and not Award.objects.filter(enrolment=enrolled).exists()
    decision = enrolled.decisions.first()
    assert decision.outcome == "undetermined" and decision.missing == [f'holds("{FIRST_AID}")']
    with django_capture_on_commit_callbacks(execute=True):
        wallet.import_credential(owner=learner, data=external_credential(UNTRUSTED_SEED))
    assert not Award.objects.filter(enrolment=enrolled).exists()
    with django_capture_on_commit_callbacks(execute=True):
        wallet.import_credential(owner=learner, data=external_credential(TRUSTED_SEED))
    award = Award.objects.get(enrolment=enrolled)
    held = award.decision.inputs[f'holds("{FIRST_AID}")']
    assert held["held"] is True and [c["source"] for c in held["counted"]] == ["imported"]
    assert [r["reason"] for r in held["not_counted"]] == ["untrusted_issuer"]


def test_a_bulk_award_checks_stacks_only_when_stacking_is_in_use(stack) -> None:
    from microcred.assessment.services.awards import issue_context
    from microcred.catalog.models import Pathway

    assert issue_context(stack.web).stacking is True
    Pathway.objects.update(resulting_credential=None)
    assert issue_context(stack.web).stacking is False  # the bulk award of 20,000 learners pays one query, not 20,000


def test_trusting_an_issuer_later_rechecks_the_providers_learners(stack, django_capture_on_commit_callbacks) -> None:
    """The learner imported a credential from an issuer the provider did not trust yet and earned the local component:
    once the provider trusts the issuer, a background task checks its learners again and awards the stack."""
    from django_tasks_db.models import DBTaskResult

    learner = make_user()
    other_did = did_of(UNTRUSTED_SEED)
    with django_capture_on_commit_callbacks(execute=True):
        wallet.import_credential(owner=learner, data=external_credential(UNTRUSTED_SEED))
        stack.pass_course(learner)
    assert stack_awards(stack, learner) == []
    assert stacks.learners_to_recheck(stack.provider) == [learner.pk]
    with django_capture_on_commit_callbacks(execute=True):
        recognition.add_trusted_issuer(actor=stack.admin, provider=stack.provider, issuer_did=other_did)
    assert DBTaskResult.objects.filter(task_path__endswith="recheck_provider_task").count() == 1
    assert stacks.recheck_provider(stack.provider.pk) == 1  # what the worker runs
    assert len(stack_awards(stack, learner)) == 1
    assert stacks.recheck_provider(stack.provider.pk) == 0  # and again: nothing twice


def test_holds_reads_the_level_an_awarded_credential_shows(wil) -> None:
    """The demo's credential, awarded with "superior" on both competencies: holds() with a minimum level reads it from
    the credential's results and the achievement's rubric levels."""
    from microcred.assessment.tests.test_awards import results
    from microcred.catalog.formats import ctid

    enrolled = wil.enrol()
    results(wil, enrolled, grade="82")
    assert Award.objects.filter(enrolment=enrolled).exists()
    held = holdings.holdings_of(enrolled.learner)
    assert {reached for _scale, reached in held[0].levels} == {"superior"}
    reference = ctid(wil.credential)
    for level, counts in (("excellent", True), ("superior", True), ("no such level", False)):
        found = holdings.match(held, provider=wil.provider, achievement=reference, min_level=level)
        assert found.held is counts
        assert [r.reason for r in found.refused] == ([] if counts else [holdings.LEVEL_TOO_LOW])
