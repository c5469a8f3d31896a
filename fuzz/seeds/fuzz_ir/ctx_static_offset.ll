; A probe reading its context the way bpftrace 0.21 and later emit it:
; through llvm.preserve.static.offset, which only the BPF target's IR
; passes lower (the backend cannot select it). Written for bpfcheck's
; tests; the map key is passed to a helper, so no alloca is promotable.
; source_filename says "bpftrace", as bpftrace's modules do.
source_filename = "bpftrace"
target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpf-pc-linux"

@AT_x = dso_local global { ptr, ptr, ptr, ptr } zeroinitializer, section ".maps"

define i64 @kprobe_f_1(ptr %0) section "s_kprobe_f_1" {
entry:
  %"@x_key" = alloca i64, align 8
  %"@x_val" = alloca i64, align 8
  %1 = call ptr @llvm.preserve.static.offset(ptr %0)
  %2 = getelementptr i64, ptr %1, i64 14
  %arg0 = load volatile i64, ptr %2, align 8
  call void @llvm.lifetime.start.p0(i64 -1, ptr %"@x_key")
  store i64 0, ptr %"@x_key", align 8
  call void @llvm.lifetime.start.p0(i64 -1, ptr %"@x_val")
  store i64 %arg0, ptr %"@x_val", align 8
  %update_elem = call i64 inttoptr (i64 2 to ptr)(ptr @AT_x, ptr %"@x_key", ptr %"@x_val", i64 0)
  call void @llvm.lifetime.end.p0(i64 -1, ptr %"@x_val")
  call void @llvm.lifetime.end.p0(i64 -1, ptr %"@x_key")
  ret i64 0
}

declare ptr @llvm.preserve.static.offset(ptr readnone)
declare void @llvm.lifetime.start.p0(i64 immarg, ptr nocapture)
declare void @llvm.lifetime.end.p0(i64 immarg, ptr nocapture)
