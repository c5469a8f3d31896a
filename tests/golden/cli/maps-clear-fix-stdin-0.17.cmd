fix --no-config --select BC1*,BC3* --kernel 6.1 --bpftrace 0.17 - < tests/golden/cli/fix/clear.bt
