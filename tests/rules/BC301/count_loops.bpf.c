// SPDX-License-Identifier: Apache-2.0
/* The unit tests' counting loops (bpf_for_each_map_elem with a callback that
 * only counts): bpf_map_sum_elem_count exists from kernel 6.6. */
#include <count_loops.bpf.c>
// RUN-ARGS(6.1): --select 'BC3*' --kernel 6.1
// RUN-ARGS(6.6): --select 'BC3*' --kernel 6.6
// CHECK(6.1): BC301 fixtures/objects/count_loops.bpf.c:47:0 note: 'count_stub' counts the elements of map 'pids' by visiting each one (bpf_for_each_map_elem with the counting callback 'stub_cb'); bpf_map_sum_elem_count returns the count in O(1) on Linux 6.6 and later
// CHECK-NOTE(6.1): fixtures/objects/count_loops.bpf.c call the kfunc through a weak ksym and keep the loop as the fallback: extern s64 bpf_map_sum_elem_count(const struct bpf_map *) __ksym __weak; ... n = bpf_ksym_exists(bpf_map_sum_elem_count) ? bpf_map_sum_elem_count((const struct bpf_map *)&pids) : bpf_for_each_map_elem(...)
// CHECK-NOTE(6.1): fixtures/objects/count_loops.bpf.c the target kernel is Linux 6.1; bpf_map_sum_elem_count is in Linux 6.6 and later (no BTF for the target: give --btf to decide from its BTF)
// CHECK(6.1): BC301 fixtures/objects/count_loops.bpf.c:54:0 note: 'count_ctx' counts the elements of map 'pids' by visiting each one (bpf_for_each_map_elem with the counting callback 'inc_cb'); bpf_map_sum_elem_count returns the count in O(1) on Linux 6.6 and later
// CHECK-NOTE(6.1): fixtures/objects/count_loops.bpf.c call the kfunc through a weak ksym and keep the loop as the fallback: extern s64 bpf_map_sum_elem_count(const struct bpf_map *) __ksym __weak; ... n = bpf_ksym_exists(bpf_map_sum_elem_count) ? bpf_map_sum_elem_count((const struct bpf_map *)&pids) : (the loop as now)
// CHECK-NOTE(6.1): fixtures/objects/count_loops.bpf.c the target kernel is Linux 6.1; bpf_map_sum_elem_count is in Linux 6.6 and later (no BTF for the target: give --btf to decide from its BTF)
// CHECK-EXIT(6.1): 0
// CHECK(6.6): BC301 fixtures/objects/count_loops.bpf.c:47:0 note: 'count_stub' counts the elements of map 'pids' by visiting each one (bpf_for_each_map_elem with the counting callback 'stub_cb'); bpf_map_sum_elem_count returns the count in O(1) on the target kernel
// CHECK-NOTE(6.6): fixtures/objects/count_loops.bpf.c call the kfunc through a weak ksym and keep the loop as the fallback: extern s64 bpf_map_sum_elem_count(const struct bpf_map *) __ksym __weak; ... n = bpf_ksym_exists(bpf_map_sum_elem_count) ? bpf_map_sum_elem_count((const struct bpf_map *)&pids) : bpf_for_each_map_elem(...)
// CHECK-NOTE(6.6): fixtures/objects/count_loops.bpf.c the target kernel is Linux 6.6; bpf_map_sum_elem_count is in Linux 6.6 and later (no BTF for the target: give --btf to decide from its BTF)
// CHECK(6.6): BC301 fixtures/objects/count_loops.bpf.c:54:0 note: 'count_ctx' counts the elements of map 'pids' by visiting each one (bpf_for_each_map_elem with the counting callback 'inc_cb'); bpf_map_sum_elem_count returns the count in O(1) on the target kernel
// CHECK-NOTE(6.6): fixtures/objects/count_loops.bpf.c call the kfunc through a weak ksym and keep the loop as the fallback: extern s64 bpf_map_sum_elem_count(const struct bpf_map *) __ksym __weak; ... n = bpf_ksym_exists(bpf_map_sum_elem_count) ? bpf_map_sum_elem_count((const struct bpf_map *)&pids) : (the loop as now)
// CHECK-NOTE(6.6): fixtures/objects/count_loops.bpf.c the target kernel is Linux 6.6; bpf_map_sum_elem_count is in Linux 6.6 and later (no BTF for the target: give --btf to decide from its BTF)
// CHECK-EXIT(6.6): 0
