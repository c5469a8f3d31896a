check --target fixtures/bad/random.bin --tracefs fixtures/tracefs tests/golden/sema/tracepoint_017.bt
