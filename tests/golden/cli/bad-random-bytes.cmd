fixtures/bad/random.bin
