check --target fixtures/bad/random.bin tests/golden/sema/tracepoint_017.bt
