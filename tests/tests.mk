# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `make test` runs every test: pytest drives the C unit tests and the end-to-end tests alike.
# -rs prints each skip with its reason, so nothing is skipped silently.
PYTEST_ARGS ?=
TEST_TARGETS :=

test: all $(TEST_TARGETS)
	PYX_BUILD=$(OUTPUT) $(PYTHON) -m pytest -rs -v $(PYTEST_ARGS) tests
