check --no-config fixtures/c/include_path.c
