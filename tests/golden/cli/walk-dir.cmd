tests/golden/cli/walk
