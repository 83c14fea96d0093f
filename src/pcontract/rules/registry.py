"""All rules. Importing this package registers them."""

from pcontract.rules import cascade, contract, diff, documents, evidence, scoring, tree
from pcontract.rules.base import RULES, Finding, Rule, finding, rules_for, tree_rules

__all__ = [
    "RULES",
    "Finding",
    "Rule",
    "cascade",
    "contract",
    "diff",
    "documents",
    "evidence",
    "finding",
    "rules_for",
    "scoring",
    "tree",
    "tree_rules",
]
