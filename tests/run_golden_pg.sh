#!/usr/bin/env bash
# The golden CLI cases against PostgreSQL (issue 11): the same cases and
# expected files as tests/run_golden.sh, each case in its own database of a
# throwaway server. Exit 77 when PostgreSQL is not installed.
AMPEL_GOLDEN_ENGINE=postgresql exec bash "$(dirname "$0")/run_golden.sh" "$@"
