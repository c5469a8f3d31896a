target triple = "bpf"
define ghccc i64 @f(i64 %a) {
  ret i64 %a
}
