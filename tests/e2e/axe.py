"""axe-core in the browser tests: inject the pinned axe-core (installed from the npm registry
into .tools/axe by `make setup`, see AXE_CORE_VERSION in the Makefile) into a Playwright page
and list what it finds.

    problems = serious_violations(page)   # [] when the page passes

The audit runs WCAG 2.0/2.1 A and AA rules, axe's best practices and its experimental rules
(label-content-name-mismatch is one: an accessible name must contain the visible text).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_PACKAGE = PROJECT_ROOT / ".tools/axe/node_modules/axe-core"
AXE_SCRIPT = AXE_PACKAGE / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice", "experimental"]
FAILING_IMPACTS = ("serious", "critical")

RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return result.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
    summaries: violation.nodes.map((node) => node.failureSummary || ""),
  }));
}
"""


@dataclass(frozen=True)
class Violation:
    where: str  # the page state audited
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    summaries: tuple[str, ...]

    def __str__(self) -> str:
        first = self.summaries[0].replace("\n", " ") if self.summaries else ""
        shown = ", ".join(self.targets[:4]) + (" …" if len(self.targets) > 4 else "")
        return f"{self.where}: [{self.impact}] {self.rule} ({self.help}) on {len(self.targets)}: {shown} — {first}"


def _pinned_version() -> str:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    return re.search(r"^AXE_CORE_VERSION := (\S+)$", makefile, re.MULTILINE).group(1)


def _installed_version() -> str | None:
    package = AXE_PACKAGE / "package.json"
    return json.loads(package.read_text())["version"] if package.exists() else None


def audit(page: Page, where: str) -> list[Violation]:
    """Every violation axe finds on the page as it is now (any impact)."""
    if _installed_version() != _pinned_version():
        raise RuntimeError(
            f"axe-core {_pinned_version()} is not installed in {AXE_PACKAGE}: run `make setup`"
        )
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    found = page.evaluate(RUN_AXE, TAGS)
    return [
        Violation(
            where=where,
            rule=item["rule"],
            impact=item["impact"] or "minor",
            help=item["help"],
            targets=tuple(item["targets"]),
            summaries=tuple(item["summaries"]),
        )
        for item in found
    ]


def serious(violations: list[Violation]) -> list[Violation]:
    return [violation for violation in violations if violation.impact in FAILING_IMPACTS]
