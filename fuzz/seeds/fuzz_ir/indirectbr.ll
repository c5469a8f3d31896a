target triple = "bpf"
define i64 @f(ptr %a) {
  indirectbr ptr %a, []
}
