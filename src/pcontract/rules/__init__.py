"""All rules. Importing this package registers them."""

from pcontract.rules import cascade, contract, documents, tree
from pcontract.rules.base import RULES, Finding, Rule, rules_for, tree_rules

__all__ = [
    "RULES",
    "Finding",
    "Rule",
    "cascade",
    "contract",
    "documents",
    "rules_for",
    "tree",
    "tree_rules",
]
