target triple = "bpf"
@x = thread_local global i64 0
define i64 @f() {
  %v = load i64, ptr @x
  ret i64 %v
}
