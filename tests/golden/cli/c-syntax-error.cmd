check --no-config fixtures/bad/syntax_error.c
