"""The README's two commands are the contract with a new user and with CI: keep them true."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block is not None, "README must open with a sh code block"
    assert text.index(block.group(0)) < text.index("\n## "), "the commands come before any section"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_exactly_two_commands_demo_and_tests() -> None:
    demo, tests = readme_commands()
    assert demo.startswith("scripts/setup.sh && ") and demo.endswith("citywall demo")
    assert tests.startswith("scripts/setup.sh --tests && ") and "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    _, tests = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_setup_script_installs_what_the_demo_and_tests_need() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    for package in (
        "ffmpeg",
        "gir1.2-gst-rtsp-server-1.0",
        "python3-gi",
        "fonts-wqy-microhei",
        "espeak-ng",
        "strace",
        "xvfb",
        "sip-tester",  # SIPp, the SIP speaker of the voice tests
        "iproute2",  # ip: the voice tests' private network namespace
    ):
        assert package in setup
    assert 'pip install -q -e ".[dev]"' in setup
    assert "setup_train_env.sh" in setup  # the ultralytics train → ONNX test needs .venv-train
