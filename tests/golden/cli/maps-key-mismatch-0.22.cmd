check --no-config --select BC1*,BC3* --kernel 6.1 --bpftrace 0.22 tests/golden/cli/maps/key_mismatch.bt
