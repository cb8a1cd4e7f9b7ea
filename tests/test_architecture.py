"""ARCHITECTURE.md's import rules, checked: imports flow one way and vc has no Django in it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "microcred"

# Lower rank = lower layer. A package may import packages of a lower rank, and itself.
RANK = {
    "vc": 0,
    "errors": 0,
    "http": 0,
    "charts": 0,
    "tables": 0,
    "images": 0.5,  # checks for uploaded images (badges, logos): errors only, no domain import
    "translations": 0,  # a record's texts in several languages (language maps, localized values); no domain import
    "audit": 1,
    "accounts": 2,
    "oauth": 2.2,  # the authorization server (Authlib): clients, codes, tokens; domains above register scopes
    "notifications": 2.5,
    "frameworks": 3,
    "skills": 4,
    "catalog": 5,
    "europe": 5.5,  # the European standard elements (publish check registered into catalog), ELM 3 export/import
    "issuing": 6,
    "registry": 6.1,  # CTDL in and out, CTIDs, publishing to the Credential Registry: catalog; issuing's key encryption
    "assessment": 7,
    "wallet": 8,
    "employers": 8,
    "obapi": 8.3,  # the 1EdTech Open Badges 3.0 API, host side: reads issuing, writes into wallet through its services
    "delivery": 8.2,  # OID4VCI: hands a learner's issued credentials (issuing) to outside wallets
    "lti": 8.4,  # the LTI 1.3 tool: accounts, catalog, issuing (its key encryption) and assessment (enrol, results)
    "careers": 8.5,  # gap analysis and practitioners' clients: reads wallet, catalog and skills
    "demo": 9,
    "api": 9,
    "cli": 9,
    "urls": 9,
    "testing": 9,
    "settings": 9,
    "wsgi": 9,
    "bench": 9,
    "operations": 9,  # health, readiness, metrics, backup and restore: reads any domain's tables
    "metrics": 0,  # the process's Prometheus metrics, which any domain may update
    "reporting": 9,  # reads every domain, writes nothing
}

TOP = 9  # the wiring layer (demo, api, cli, urls, testing) may use anything, itself included


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _package_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def _source_files() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.py")
        if "tests" not in p.relative_to(ROOT).parts and "migrations" not in p.relative_to(ROOT).parts
    ]


def test_every_package_has_a_rank() -> None:
    packages = {_package_of(p) for p in _source_files()} - {"__init__"}
    assert packages - set(RANK) == set(), "add new packages to ARCHITECTURE.md and RANK"


def test_imports_flow_one_way() -> None:
    violations = []
    for path in _source_files():
        package = _package_of(path)
        if package == "__init__":
            continue
        for name in _imports(path):
            if not name.startswith("microcred."):
                continue
            target = name.split(".")[1]
            if target == package or target not in RANK:
                continue
            if RANK[target] >= RANK[package] and RANK[package] < TOP:
                violations.append(f"{path.relative_to(ROOT)} imports {name}")
    assert violations == []


def test_the_vc_core_imports_no_django() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "vc").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] == "django" or (name.startswith("microcred.") and not name.startswith("microcred.vc"))
    ]
    assert offenders == []
