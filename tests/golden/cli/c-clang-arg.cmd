check --no-config --clang-arg=-Ifixtures/c/include --clang-arg=-DTRACE_MSG_BYTES=496 --select BC201 fixtures/c/include_path.c
