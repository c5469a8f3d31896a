check --no-config --select BC201 fixtures/c/ccdb/uses_db.c
