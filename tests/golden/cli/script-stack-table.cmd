stack --no-config --kernel 6.18 --bpftrace 0.17 tests/golden/cli/stack/over.bt
