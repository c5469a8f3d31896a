check --target fixtures/bad/random.bin --tracefs fixtures/tracefs fixtures/scripts/sema/tracepoint_017.bt
