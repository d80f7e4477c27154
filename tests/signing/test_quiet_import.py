"""The signing library loads without printing third-party deprecation warnings into the operator's logs."""

import subprocess
import sys


def test_loading_the_sealer_prints_no_warning() -> None:
    # a fresh interpreter with Python's default warning filters, as gunicorn's workers run: the test process's
    # own filters (every warning an error, pyproject.toml) would hide what an operator sees
    loaded = subprocess.run(
        [sys.executable, "-c", "import signing.seal, signing.pki; print('loaded')"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert loaded.stdout.strip() == "loaded"
    assert "Warning" not in loaded.stderr, loaded.stderr
