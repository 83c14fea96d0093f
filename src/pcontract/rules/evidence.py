"""The evidence rules: ``pcontract validate --check-evidence`` reads the evidence
files that Results name (checking/evidence.py makes their messages)."""

from __future__ import annotations

from pcontract.checking.evidence import CODE_CHANGED, CODE_MISSING, CODE_OUTSIDE
from pcontract.problems import Severity
from pcontract.rules.base import STAGE_EVIDENCE, declare

declare(
    CODE_MISSING,
    "evidence-missing",
    Severity.ERROR,
    """\
    Each evidence file a result names exists (checked with --check-evidence).

    ## What it does

    With `--check-evidence`, checks that each evidence entry's `ref` that is a relative path (not
    a URL) names a readable regular file, relative to the Results file's folder.

    ## Why is this bad?

    Evidence that is not there cannot be verified: the figure it supports stands on nothing, and
    the verification team finds out only at the review.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
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
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        evidence:
          - {ref: evidence/clinics.yaml, note: Opening register}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
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
    ```

    ```yaml
    # evidence/clinics.yaml
    clinics: [Kapsabet, Nandi Hills]
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        evidence:
          - ref: evidence/clinics.yaml
            sha256: 44856a3f60d8a66f4cc047604b2cf5111df0d76cf2af12dffe352084f95808d6
            note: Opening register
    ```
    """,
    STAGE_EVIDENCE,
)

declare(
    CODE_CHANGED,
    "evidence-changed",
    Severity.ERROR,
    """\
    Each evidence file still has the SHA-256 recorded for it (checked with --check-evidence).

    ## What it does

    With `--check-evidence`, checks that each evidence file with a `sha256` still has that hash:
    the file is hashed and compared with the one recorded.

    ## Why is this bad?

    A file edited after the result was reported is no longer the evidence the figure was reported,
    verified or moderated on; the hash makes such a change visible.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
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
    ```

    ```yaml
    # evidence/clinics.yaml
    clinics: [Kapsabet, Nandi Hills]
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        evidence:
          - ref: evidence/clinics.yaml
            sha256: "0000000000000000000000000000000000000000000000000000000000000000"
            note: Opening register
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
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
    ```

    ```yaml
    # evidence/clinics.yaml
    clinics: [Kapsabet, Nandi Hills]
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        evidence:
          - ref: evidence/clinics.yaml
            sha256: 44856a3f60d8a66f4cc047604b2cf5111df0d76cf2af12dffe352084f95808d6
            note: Opening register
    ```
    """,
    STAGE_EVIDENCE,
)

declare(
    CODE_OUTSIDE,
    "evidence-outside-repository",
    Severity.ERROR,
    """\
    Evidence files are inside the repository (checked with --check-evidence).

    ## What it does

    With `--check-evidence`, checks that each evidence `ref` that is a path stays inside the
    repository (the folder holding `.git` above the Results file, else the folder validated): not
    absolute, not climbing out with `..`, not a symbolic link that leads out. Such a file is not
    read.

    ## Why is this bad?

    Evidence outside the repository is not kept with the results, so nobody else can check it, and
    reading it would let a results file make pcontract read any file on the machine.

    ## Example

    ```yaml
    # contract.yaml
    # (the example Contract header)
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
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        evidence:
          - {ref: ../clinics.yaml, note: Opening register}
    ```

    Use instead:

    ```yaml
    # contract.yaml
    # (the example Contract header)
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
    ```

    ```yaml
    # evidence/clinics.yaml
    clinics: [Kapsabet, Nandi Hills]
    ```

    ```yaml
    # results.yaml
    # (the example Results header)
    achievements:
      CM01:
        actual: 52
        evidence:
          - ref: evidence/clinics.yaml
            sha256: 44856a3f60d8a66f4cc047604b2cf5111df0d76cf2af12dffe352084f95808d6
            note: Opening register
    ```
    """,
    STAGE_EVIDENCE,
)
