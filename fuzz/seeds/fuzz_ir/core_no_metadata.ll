target triple = "bpf"
define i64 @f(ptr %c) {
  %p = call ptr @llvm.preserve.struct.access.index.p0.p0(ptr elementtype({ i64, i64 }) %c, i32 1, i32 1)
  %v = load i64, ptr %p
  ret i64 %v
}
declare ptr @llvm.preserve.struct.access.index.p0.p0(ptr, i32, i32)
