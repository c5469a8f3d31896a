target triple = "bpfel"
declare void @use(ptr)
declare void @llvm.lifetime.start.p0(i64, ptr)
declare void @llvm.lifetime.end.p0(i64, ptr)
@__bt__get_str_buf = global [1 x [2 x [64 x i8]]] zeroinitializer
define i64 @"kprobe:f"(ptr %ctx, i1 %c) section "s_kprobe:f_1" {
entry:
  %"@m_key" = alloca i64, align 8
  %str = alloca [64 x i8], align 1
  br i1 %c, label %a, label %b
a:
  call void @llvm.lifetime.start.p0(i64 -1, ptr %str)
  call void @use(ptr %str)
  call void @llvm.lifetime.end.p0(i64 -1, ptr %str)
  br label %b
b:
  %p = getelementptr [1 x [2 x [64 x i8]]], ptr @__bt__get_str_buf, i64 0, i64 0, i64 1, i64 0
  call void @use(ptr %p)
  call void @use(ptr %"@m_key")
  ret i64 0
}
