"""Quality gates: Great Expectations suites (expectations/*.json) run on pandas frames."""
