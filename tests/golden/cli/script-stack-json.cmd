check --no-config --kernel 6.18 --bpftrace 0.17 --select BC201 -f json tests/rules/BC201/over.bt
