check --no-config --select BC1*,BC3* --kernel 6.1 --bpftrace 0.17 --diff tests/golden/cli/fix/clear.bt
