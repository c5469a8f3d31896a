stack --no-config -I fixtures/c/include -D TRACE_MSG_BYTES=496 fixtures/c/include_path.c
