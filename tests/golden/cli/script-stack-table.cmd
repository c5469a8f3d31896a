stack --no-config --kernel 6.18 --bpftrace 0.17 tests/rules/BC201/over.bt
