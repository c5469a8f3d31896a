target show fixtures/bad/random.bin
