"""Reliability suite hooks: report the size of the bad-input corpus at the end of the run."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reports = [r for rs in terminalreporter.stats.values() for r in rs if hasattr(r, "nodeid")]
    if not any("test_bad_input_corpus.py" in r.nodeid for r in reports):
        return
    from tests.reliability.test_bad_input_corpus import CASES
    from tests.reliability.test_bad_input_corpus import CLI_CASES
    from tests.reliability.test_bad_input_corpus import KNOWN_GAPS

    terminalreporter.write_sep("-", "clara_keras bad-input corpus")
    terminalreporter.write_line(
        f"bad-input corpus: {len(CASES) + len(CLI_CASES)} cases ({len(CASES)} API calls, {len(CLI_CASES)} CLI "
        f"commands), each a typed error naming the bad value; {len(KNOWN_GAPS)} known gaps (strict xfail)"
    )
