stack --no-config --bpftrace 0.17 -f html examples/clear-count.bt
