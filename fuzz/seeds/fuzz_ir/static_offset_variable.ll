target triple = "bpf"
define i64 @f(ptr %c, i64 %i) {
  %p = call ptr @llvm.preserve.static.offset(ptr %c)
  %g = getelementptr i64, ptr %p, i64 %i
  %v = load i64, ptr %g, align 8
  ret i64 %v
}
declare ptr @llvm.preserve.static.offset(ptr readnone)
