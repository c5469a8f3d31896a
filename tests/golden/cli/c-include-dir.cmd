check --no-config -I fixtures/c/include fixtures/c/include_path.c
