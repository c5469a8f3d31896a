stack --no-config --kernel 6.18 --bpftrace 0.22 tests/rules/BC201/over.bt
