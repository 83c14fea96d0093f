"""Rules that only ``pcontract diff`` checks: they compare two versions of a
contract, so no single file breaks them. Their messages are made in diff.py."""

from __future__ import annotations

from pcontract.problems import Severity
from pcontract.rules.base import declare

STAGE_DIFF = "diff"

declare(
    "PC601",
    "signed-contract-changed",
    Severity.ERROR,
    """\
    A signed contract that changes goes back to status: negotiated until it is signed again.

    ## What it does

    Compares two versions of a contract (`pcontract diff`): when the old version is signed and
    the new one changes anything while its status is still `signed`, this rule fires.

    ## Why is this bad?

    A signed contract is what both parties agreed. A change made under the same status would
    pass for the agreed text; marking it `negotiated` until it is vetted and signed again keeps
    the record honest.

    ## Example

    ```yaml
    # old/moh.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: signed
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # new/moh.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: signed
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 55
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # old/moh.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: signed
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # new/moh.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: negotiated
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 55
            measure: cumulative
    ```
    """,
    STAGE_DIFF,
)
declare(
    "PC602",
    "lowered-after-signing",
    Severity.WARNING,
    """\
    A target is not made worse than in the signed version.

    ## What it does

    Compares two versions of a contract (`pcontract diff`): when the old version is signed, a
    target the new version lowers (raises, for a decrease; delays, for a milestone) is flagged.

    ## Why is this bad?

    Targets are meant to grow from year to year and from negotiation to signature. Making a
    signed target easier needs a reason that vetting can see.

    ## Example

    ```yaml
    # old/moh.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: signed
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # new/moh.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: negotiated
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 45
            measure: cumulative
    ```

    Use instead:

    ```yaml
    # old/moh.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: signed
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 50
            measure: cumulative
    ```

    ```yaml
    # new/moh.yaml
    apiVersion: pcontract/v1
    kind: Contract
    id: moh-2024-25
    title: Ministry of Health
    financial_year: 2024/2025
    period: {start: 2024-07-01, end: 2025-06-30}
    institution: {name: Ministry of Health, category: ministry}
    parties: {principal: {title: President}, agent: {title: Cabinet Secretary}}
    status: negotiated
    criteria:
      - id: core
        name: Core Mandate
        weight: 100
        indicators:
          - id: CM01
            name: Clinics opened
            weight: 100
            kind: increase
            baseline: {2023/2024: 40}
            target: 55
            measure: cumulative
    ```
    """,
    STAGE_DIFF,
)
