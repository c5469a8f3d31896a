; ModuleID = 'tests/rules/BC212/records_live.c'
source_filename = "tests/rules/BC212/records_live.c"
target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpf"

%struct.anon = type { ptr, ptr }
%struct.trace_rec = type { i64, i32, i32, [48 x i8] }

@rb = dso_local global %struct.anon zeroinitializer, section ".maps", align 8, !dbg !0
@LICENSE = dso_local global [4 x i8] c"GPL\00", section "license", align 1, !dbg !5
@llvm.compiler.used = appending global [3 x ptr] [ptr @LICENSE, ptr @prog, ptr @rb], section "llvm.metadata"

; Function Attrs: nounwind
define dso_local noundef i32 @prog(ptr nocapture readnone %0) #0 section "kprobe/do_sys_openat2" !dbg !58 {
  %2 = alloca %struct.trace_rec, align 8, !DIAssignID !80
    #dbg_assign(i1 undef, !63, !DIExpression(), !80, ptr %2, !DIExpression(), !81)
  %3 = alloca %struct.trace_rec, align 8, !DIAssignID !82
    #dbg_assign(i1 undef, !73, !DIExpression(), !82, ptr %3, !DIExpression(), !81)
  %4 = alloca %struct.trace_rec, align 8, !DIAssignID !83
    #dbg_assign(i1 undef, !74, !DIExpression(), !83, ptr %4, !DIExpression(), !81)
  %5 = alloca %struct.trace_rec, align 8, !DIAssignID !84
    #dbg_assign(i1 undef, !75, !DIExpression(), !84, ptr %5, !DIExpression(), !81)
  %6 = alloca %struct.trace_rec, align 8, !DIAssignID !85
    #dbg_assign(i1 undef, !76, !DIExpression(), !85, ptr %6, !DIExpression(), !81)
  %7 = alloca %struct.trace_rec, align 8, !DIAssignID !86
    #dbg_assign(i1 undef, !77, !DIExpression(), !86, ptr %7, !DIExpression(), !81)
  %8 = alloca %struct.trace_rec, align 8, !DIAssignID !87
    #dbg_assign(i1 undef, !78, !DIExpression(), !87, ptr %8, !DIExpression(), !81)
  %9 = alloca %struct.trace_rec, align 8, !DIAssignID !88
    #dbg_assign(i1 undef, !79, !DIExpression(), !88, ptr %9, !DIExpression(), !81)
    #dbg_value(ptr poison, !62, !DIExpression(), !81)
  call void @llvm.lifetime.start.p0(i64 64, ptr nonnull %2) #2, !dbg !89
  call void @llvm.lifetime.start.p0(i64 64, ptr nonnull %3) #2, !dbg !89
  call void @llvm.lifetime.start.p0(i64 64, ptr nonnull %4) #2, !dbg !89
  call void @llvm.lifetime.start.p0(i64 64, ptr nonnull %5) #2, !dbg !89
  call void @llvm.lifetime.start.p0(i64 64, ptr nonnull %6) #2, !dbg !89
  call void @llvm.lifetime.start.p0(i64 64, ptr nonnull %7) #2, !dbg !89
  call void @llvm.lifetime.start.p0(i64 64, ptr nonnull %8) #2, !dbg !89
  call void @llvm.lifetime.start.p0(i64 64, ptr nonnull %9) #2, !dbg !89
    #dbg_value(ptr %2, !90, !DIExpression(), !97)
    #dbg_value(i32 0, !96, !DIExpression(), !97)
  %10 = tail call i64 inttoptr (i64 5 to ptr)() #2, !dbg !99
  store i64 %10, ptr %2, align 8, !dbg !100, !tbaa !101, !DIAssignID !107
    #dbg_assign(i64 %10, !63, !DIExpression(DW_OP_LLVM_fragment, 0, 64), !107, ptr %2, !DIExpression(), !81)
  %11 = getelementptr inbounds i8, ptr %2, i64 8, !dbg !108
  store i32 0, ptr %11, align 8, !dbg !109, !tbaa !110, !DIAssignID !111
    #dbg_assign(i32 0, !63, !DIExpression(DW_OP_LLVM_fragment, 64, 32), !111, ptr %11, !DIExpression(), !81)
  %12 = tail call i32 inttoptr (i64 8 to ptr)() #2, !dbg !112
  %13 = getelementptr inbounds i8, ptr %2, i64 12, !dbg !113
  store i32 %12, ptr %13, align 4, !dbg !114, !tbaa !115, !DIAssignID !116
    #dbg_assign(i32 %12, !63, !DIExpression(DW_OP_LLVM_fragment, 96, 32), !116, ptr %13, !DIExpression(), !81)
  %14 = getelementptr inbounds i8, ptr %2, i64 16, !dbg !117
  %15 = call i64 inttoptr (i64 16 to ptr)(ptr noundef nonnull %14, i32 noundef 48) #2, !dbg !118
    #dbg_value(ptr %3, !90, !DIExpression(), !119)
    #dbg_value(i32 1, !96, !DIExpression(), !119)
  %16 = call i64 inttoptr (i64 5 to ptr)() #2, !dbg !121
  store i64 %16, ptr %3, align 8, !dbg !122, !tbaa !101, !DIAssignID !123
    #dbg_assign(i64 %16, !73, !DIExpression(DW_OP_LLVM_fragment, 0, 64), !123, ptr %3, !DIExpression(), !81)
  %17 = getelementptr inbounds i8, ptr %3, i64 8, !dbg !124
  store i32 1, ptr %17, align 8, !dbg !125, !tbaa !110, !DIAssignID !126
    #dbg_assign(i32 1, !73, !DIExpression(DW_OP_LLVM_fragment, 64, 32), !126, ptr %17, !DIExpression(), !81)
  %18 = call i32 inttoptr (i64 8 to ptr)() #2, !dbg !127
  %19 = getelementptr inbounds i8, ptr %3, i64 12, !dbg !128
  store i32 %18, ptr %19, align 4, !dbg !129, !tbaa !115, !DIAssignID !130
    #dbg_assign(i32 %18, !73, !DIExpression(DW_OP_LLVM_fragment, 96, 32), !130, ptr %19, !DIExpression(), !81)
  %20 = getelementptr inbounds i8, ptr %3, i64 16, !dbg !131
  %21 = call i64 inttoptr (i64 16 to ptr)(ptr noundef nonnull %20, i32 noundef 48) #2, !dbg !132
    #dbg_value(ptr %4, !90, !DIExpression(), !133)
    #dbg_value(i32 2, !96, !DIExpression(), !133)
  %22 = call i64 inttoptr (i64 5 to ptr)() #2, !dbg !135
  store i64 %22, ptr %4, align 8, !dbg !136, !tbaa !101, !DIAssignID !137
    #dbg_assign(i64 %22, !74, !DIExpression(DW_OP_LLVM_fragment, 0, 64), !137, ptr %4, !DIExpression(), !81)
  %23 = getelementptr inbounds i8, ptr %4, i64 8, !dbg !138
  store i32 2, ptr %23, align 8, !dbg !139, !tbaa !110, !DIAssignID !140
    #dbg_assign(i32 2, !74, !DIExpression(DW_OP_LLVM_fragment, 64, 32), !140, ptr %23, !DIExpression(), !81)
  %24 = call i32 inttoptr (i64 8 to ptr)() #2, !dbg !141
  %25 = getelementptr inbounds i8, ptr %4, i64 12, !dbg !142
  store i32 %24, ptr %25, align 4, !dbg !143, !tbaa !115, !DIAssignID !144
    #dbg_assign(i32 %24, !74, !DIExpression(DW_OP_LLVM_fragment, 96, 32), !144, ptr %25, !DIExpression(), !81)
  %26 = getelementptr inbounds i8, ptr %4, i64 16, !dbg !145
  %27 = call i64 inttoptr (i64 16 to ptr)(ptr noundef nonnull %26, i32 noundef 48) #2, !dbg !146
    #dbg_value(ptr %5, !90, !DIExpression(), !147)
    #dbg_value(i32 3, !96, !DIExpression(), !147)
  %28 = call i64 inttoptr (i64 5 to ptr)() #2, !dbg !149
  store i64 %28, ptr %5, align 8, !dbg !150, !tbaa !101, !DIAssignID !151
    #dbg_assign(i64 %28, !75, !DIExpression(DW_OP_LLVM_fragment, 0, 64), !151, ptr %5, !DIExpression(), !81)
  %29 = getelementptr inbounds i8, ptr %5, i64 8, !dbg !152
  store i32 3, ptr %29, align 8, !dbg !153, !tbaa !110, !DIAssignID !154
    #dbg_assign(i32 3, !75, !DIExpression(DW_OP_LLVM_fragment, 64, 32), !154, ptr %29, !DIExpression(), !81)
  %30 = call i32 inttoptr (i64 8 to ptr)() #2, !dbg !155
  %31 = getelementptr inbounds i8, ptr %5, i64 12, !dbg !156
  store i32 %30, ptr %31, align 4, !dbg !157, !tbaa !115, !DIAssignID !158
    #dbg_assign(i32 %30, !75, !DIExpression(DW_OP_LLVM_fragment, 96, 32), !158, ptr %31, !DIExpression(), !81)
  %32 = getelementptr inbounds i8, ptr %5, i64 16, !dbg !159
  %33 = call i64 inttoptr (i64 16 to ptr)(ptr noundef nonnull %32, i32 noundef 48) #2, !dbg !160
    #dbg_value(ptr %6, !90, !DIExpression(), !161)
    #dbg_value(i32 4, !96, !DIExpression(), !161)
  %34 = call i64 inttoptr (i64 5 to ptr)() #2, !dbg !163
  store i64 %34, ptr %6, align 8, !dbg !164, !tbaa !101, !DIAssignID !165
    #dbg_assign(i64 %34, !76, !DIExpression(DW_OP_LLVM_fragment, 0, 64), !165, ptr %6, !DIExpression(), !81)
  %35 = getelementptr inbounds i8, ptr %6, i64 8, !dbg !166
  store i32 4, ptr %35, align 8, !dbg !167, !tbaa !110, !DIAssignID !168
    #dbg_assign(i32 4, !76, !DIExpression(DW_OP_LLVM_fragment, 64, 32), !168, ptr %35, !DIExpression(), !81)
  %36 = call i32 inttoptr (i64 8 to ptr)() #2, !dbg !169
  %37 = getelementptr inbounds i8, ptr %6, i64 12, !dbg !170
  store i32 %36, ptr %37, align 4, !dbg !171, !tbaa !115, !DIAssignID !172
    #dbg_assign(i32 %36, !76, !DIExpression(DW_OP_LLVM_fragment, 96, 32), !172, ptr %37, !DIExpression(), !81)
  %38 = getelementptr inbounds i8, ptr %6, i64 16, !dbg !173
  %39 = call i64 inttoptr (i64 16 to ptr)(ptr noundef nonnull %38, i32 noundef 48) #2, !dbg !174
    #dbg_value(ptr %7, !90, !DIExpression(), !175)
    #dbg_value(i32 5, !96, !DIExpression(), !175)
  %40 = call i64 inttoptr (i64 5 to ptr)() #2, !dbg !177
  store i64 %40, ptr %7, align 8, !dbg !178, !tbaa !101, !DIAssignID !179
    #dbg_assign(i64 %40, !77, !DIExpression(DW_OP_LLVM_fragment, 0, 64), !179, ptr %7, !DIExpression(), !81)
  %41 = getelementptr inbounds i8, ptr %7, i64 8, !dbg !180
  store i32 5, ptr %41, align 8, !dbg !181, !tbaa !110, !DIAssignID !182
    #dbg_assign(i32 5, !77, !DIExpression(DW_OP_LLVM_fragment, 64, 32), !182, ptr %41, !DIExpression(), !81)
  %42 = call i32 inttoptr (i64 8 to ptr)() #2, !dbg !183
  %43 = getelementptr inbounds i8, ptr %7, i64 12, !dbg !184
  store i32 %42, ptr %43, align 4, !dbg !185, !tbaa !115, !DIAssignID !186
    #dbg_assign(i32 %42, !77, !DIExpression(DW_OP_LLVM_fragment, 96, 32), !186, ptr %43, !DIExpression(), !81)
  %44 = getelementptr inbounds i8, ptr %7, i64 16, !dbg !187
  %45 = call i64 inttoptr (i64 16 to ptr)(ptr noundef nonnull %44, i32 noundef 48) #2, !dbg !188
    #dbg_value(ptr %8, !90, !DIExpression(), !189)
    #dbg_value(i32 6, !96, !DIExpression(), !189)
  %46 = call i64 inttoptr (i64 5 to ptr)() #2, !dbg !191
  store i64 %46, ptr %8, align 8, !dbg !192, !tbaa !101, !DIAssignID !193
    #dbg_assign(i64 %46, !78, !DIExpression(DW_OP_LLVM_fragment, 0, 64), !193, ptr %8, !DIExpression(), !81)
  %47 = getelementptr inbounds i8, ptr %8, i64 8, !dbg !194
  store i32 6, ptr %47, align 8, !dbg !195, !tbaa !110, !DIAssignID !196
    #dbg_assign(i32 6, !78, !DIExpression(DW_OP_LLVM_fragment, 64, 32), !196, ptr %47, !DIExpression(), !81)
  %48 = call i32 inttoptr (i64 8 to ptr)() #2, !dbg !197
  %49 = getelementptr inbounds i8, ptr %8, i64 12, !dbg !198
  store i32 %48, ptr %49, align 4, !dbg !199, !tbaa !115, !DIAssignID !200
    #dbg_assign(i32 %48, !78, !DIExpression(DW_OP_LLVM_fragment, 96, 32), !200, ptr %49, !DIExpression(), !81)
  %50 = getelementptr inbounds i8, ptr %8, i64 16, !dbg !201
  %51 = call i64 inttoptr (i64 16 to ptr)(ptr noundef nonnull %50, i32 noundef 48) #2, !dbg !202
    #dbg_value(ptr %9, !90, !DIExpression(), !203)
    #dbg_value(i32 7, !96, !DIExpression(), !203)
  %52 = call i64 inttoptr (i64 5 to ptr)() #2, !dbg !205
  store i64 %52, ptr %9, align 8, !dbg !206, !tbaa !101, !DIAssignID !207
    #dbg_assign(i64 %52, !79, !DIExpression(DW_OP_LLVM_fragment, 0, 64), !207, ptr %9, !DIExpression(), !81)
  %53 = getelementptr inbounds i8, ptr %9, i64 8, !dbg !208
  store i32 7, ptr %53, align 8, !dbg !209, !tbaa !110, !DIAssignID !210
    #dbg_assign(i32 7, !79, !DIExpression(DW_OP_LLVM_fragment, 64, 32), !210, ptr %53, !DIExpression(), !81)
  %54 = call i32 inttoptr (i64 8 to ptr)() #2, !dbg !211
  %55 = getelementptr inbounds i8, ptr %9, i64 12, !dbg !212
  store i32 %54, ptr %55, align 4, !dbg !213, !tbaa !115, !DIAssignID !214
    #dbg_assign(i32 %54, !79, !DIExpression(DW_OP_LLVM_fragment, 96, 32), !214, ptr %55, !DIExpression(), !81)
  %56 = getelementptr inbounds i8, ptr %9, i64 16, !dbg !215
  %57 = call i64 inttoptr (i64 16 to ptr)(ptr noundef nonnull %56, i32 noundef 48) #2, !dbg !216
  %58 = call i64 inttoptr (i64 130 to ptr)(ptr noundef nonnull @rb, ptr noundef nonnull %2, i64 noundef 64, i64 noundef 0) #2, !dbg !217
  %59 = call i64 inttoptr (i64 130 to ptr)(ptr noundef nonnull @rb, ptr noundef nonnull %3, i64 noundef 64, i64 noundef 0) #2, !dbg !218
  %60 = call i64 inttoptr (i64 130 to ptr)(ptr noundef nonnull @rb, ptr noundef nonnull %4, i64 noundef 64, i64 noundef 0) #2, !dbg !219
  %61 = call i64 inttoptr (i64 130 to ptr)(ptr noundef nonnull @rb, ptr noundef nonnull %5, i64 noundef 64, i64 noundef 0) #2, !dbg !220
  %62 = call i64 inttoptr (i64 130 to ptr)(ptr noundef nonnull @rb, ptr noundef nonnull %6, i64 noundef 64, i64 noundef 0) #2, !dbg !221
  %63 = call i64 inttoptr (i64 130 to ptr)(ptr noundef nonnull @rb, ptr noundef nonnull %7, i64 noundef 64, i64 noundef 0) #2, !dbg !222
  %64 = call i64 inttoptr (i64 130 to ptr)(ptr noundef nonnull @rb, ptr noundef nonnull %8, i64 noundef 64, i64 noundef 0) #2, !dbg !223
  %65 = call i64 inttoptr (i64 130 to ptr)(ptr noundef nonnull @rb, ptr noundef nonnull %9, i64 noundef 64, i64 noundef 0) #2, !dbg !224
  call void @llvm.lifetime.end.p0(i64 64, ptr nonnull %9) #2, !dbg !225
  call void @llvm.lifetime.end.p0(i64 64, ptr nonnull %8) #2, !dbg !225
  call void @llvm.lifetime.end.p0(i64 64, ptr nonnull %7) #2, !dbg !225
  call void @llvm.lifetime.end.p0(i64 64, ptr nonnull %6) #2, !dbg !225
  call void @llvm.lifetime.end.p0(i64 64, ptr nonnull %5) #2, !dbg !225
  call void @llvm.lifetime.end.p0(i64 64, ptr nonnull %4) #2, !dbg !225
  call void @llvm.lifetime.end.p0(i64 64, ptr nonnull %3) #2, !dbg !225
  call void @llvm.lifetime.end.p0(i64 64, ptr nonnull %2) #2, !dbg !225
  ret i32 0, !dbg !226
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.start.p0(i64 immarg, ptr nocapture) #1

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.end.p0(i64 immarg, ptr nocapture) #1

attributes #0 = { nounwind "frame-pointer"="all" "no-trapping-math"="true" "stack-protector-buffer-size"="8" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite) }
attributes #2 = { nounwind }

!llvm.dbg.cu = !{!2}
!llvm.module.flags = !{!52, !53, !54, !55, !56}
!llvm.ident = !{!57}

!0 = !DIGlobalVariableExpression(var: !1, expr: !DIExpression())
!1 = distinct !DIGlobalVariable(name: "rb", scope: !2, file: !3, line: 9, type: !39, isLocal: false, isDefinition: true)
!2 = distinct !DICompileUnit(language: DW_LANG_C11, file: !3, producer: "Debian clang version 19.1.7 (3~deb12u1)", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug, globals: !4, splitDebugInlining: false, nameTableKind: None)
!3 = !DIFile(filename: "tests/rules/BC212/records_live.c", directory: "", checksumkind: CSK_MD5, checksum: "12a0d3f28bd686ec3d31988f352e9e8d")
!4 = !{!5, !0, !11, !20, !27, !34}
!5 = !DIGlobalVariableExpression(var: !6, expr: !DIExpression())
!6 = distinct !DIGlobalVariable(name: "LICENSE", scope: !2, file: !3, line: 29, type: !7, isLocal: false, isDefinition: true)
!7 = !DICompositeType(tag: DW_TAG_array_type, baseType: !8, size: 32, elements: !9)
!8 = !DIBasicType(name: "char", size: 8, encoding: DW_ATE_signed_char)
!9 = !{!10}
!10 = !DISubrange(count: 4)
!11 = !DIGlobalVariableExpression(var: !12, expr: !DIExpression(DW_OP_constu, 5, DW_OP_stack_value))
!12 = distinct !DIGlobalVariable(name: "bpf_ktime_get_ns", scope: !2, file: !13, line: 114, type: !14, isLocal: true, isDefinition: true)
!13 = !DIFile(filename: "/usr/include/bpf/bpf_helper_defs.h", directory: "", checksumkind: CSK_MD5, checksum: "ba0039f6acc4710a5f4349e628ddfb60")
!14 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !15, size: 64)
!15 = !DISubroutineType(types: !16)
!16 = !{!17}
!17 = !DIDerivedType(tag: DW_TAG_typedef, name: "__u64", file: !18, line: 31, baseType: !19)
!18 = !DIFile(filename: "/usr/include/asm-generic/int-ll64.h", directory: "", checksumkind: CSK_MD5, checksum: "b810f270733e106319b67ef512c6246e")
!19 = !DIBasicType(name: "unsigned long long", size: 64, encoding: DW_ATE_unsigned)
!20 = !DIGlobalVariableExpression(var: !21, expr: !DIExpression(DW_OP_constu, 8, DW_OP_stack_value))
!21 = distinct !DIGlobalVariable(name: "bpf_get_smp_processor_id", scope: !2, file: !13, line: 206, type: !22, isLocal: true, isDefinition: true)
!22 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !23, size: 64)
!23 = !DISubroutineType(types: !24)
!24 = !{!25}
!25 = !DIDerivedType(tag: DW_TAG_typedef, name: "__u32", file: !18, line: 27, baseType: !26)
!26 = !DIBasicType(name: "unsigned int", size: 32, encoding: DW_ATE_unsigned)
!27 = !DIGlobalVariableExpression(var: !28, expr: !DIExpression(DW_OP_constu, 16, DW_OP_stack_value))
!28 = distinct !DIGlobalVariable(name: "bpf_get_current_comm", scope: !2, file: !13, line: 394, type: !29, isLocal: true, isDefinition: true)
!29 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !30, size: 64)
!30 = !DISubroutineType(types: !31)
!31 = !{!32, !33, !25}
!32 = !DIBasicType(name: "long", size: 64, encoding: DW_ATE_signed)
!33 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: null, size: 64)
!34 = !DIGlobalVariableExpression(var: !35, expr: !DIExpression(DW_OP_constu, 130, DW_OP_stack_value))
!35 = distinct !DIGlobalVariable(name: "bpf_ringbuf_output", scope: !2, file: !13, line: 3146, type: !36, isLocal: true, isDefinition: true)
!36 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !37, size: 64)
!37 = !DISubroutineType(types: !38)
!38 = !{!32, !33, !33, !17, !17}
!39 = distinct !DICompositeType(tag: DW_TAG_structure_type, file: !3, line: 9, size: 128, elements: !40)
!40 = !{!41, !47}
!41 = !DIDerivedType(tag: DW_TAG_member, name: "type", scope: !39, file: !3, line: 9, baseType: !42, size: 64)
!42 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !43, size: 64)
!43 = !DICompositeType(tag: DW_TAG_array_type, baseType: !44, size: 864, elements: !45)
!44 = !DIBasicType(name: "int", size: 32, encoding: DW_ATE_signed)
!45 = !{!46}
!46 = !DISubrange(count: 27)
!47 = !DIDerivedType(tag: DW_TAG_member, name: "max_entries", scope: !39, file: !3, line: 9, baseType: !48, size: 64, offset: 64)
!48 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !49, size: 64)
!49 = !DICompositeType(tag: DW_TAG_array_type, baseType: !44, size: 131072, elements: !50)
!50 = !{!51}
!51 = !DISubrange(count: 4096)
!52 = !{i32 7, !"Dwarf Version", i32 5}
!53 = !{i32 2, !"Debug Info Version", i32 3}
!54 = !{i32 1, !"wchar_size", i32 4}
!55 = !{i32 7, !"frame-pointer", i32 2}
!56 = !{i32 7, !"debug-info-assignment-tracking", i1 true}
!57 = !{!"Debian clang version 19.1.7 (3~deb12u1)"}
!58 = distinct !DISubprogram(name: "prog", scope: !3, file: !3, line: 18, type: !59, scopeLine: 19, flags: DIFlagPrototyped | DIFlagAllCallsDescribed, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !2, retainedNodes: !61)
!59 = !DISubroutineType(types: !60)
!60 = !{!44, !33}
!61 = !{!62, !63, !73, !74, !75, !76, !77, !78, !79}
!62 = !DILocalVariable(name: "ctx", arg: 1, scope: !58, file: !3, line: 18, type: !33)
!63 = !DILocalVariable(name: "r0", scope: !58, file: !3, line: 20, type: !64)
!64 = distinct !DICompositeType(tag: DW_TAG_structure_type, name: "trace_rec", file: !3, line: 8, size: 512, elements: !65)
!65 = !{!66, !67, !68, !69}
!66 = !DIDerivedType(tag: DW_TAG_member, name: "ts", scope: !64, file: !3, line: 8, baseType: !17, size: 64)
!67 = !DIDerivedType(tag: DW_TAG_member, name: "id", scope: !64, file: !3, line: 8, baseType: !25, size: 32, offset: 64)
!68 = !DIDerivedType(tag: DW_TAG_member, name: "cpu", scope: !64, file: !3, line: 8, baseType: !25, size: 32, offset: 96)
!69 = !DIDerivedType(tag: DW_TAG_member, name: "msg", scope: !64, file: !3, line: 8, baseType: !70, size: 384, offset: 128)
!70 = !DICompositeType(tag: DW_TAG_array_type, baseType: !8, size: 384, elements: !71)
!71 = !{!72}
!72 = !DISubrange(count: 48)
!73 = !DILocalVariable(name: "r1", scope: !58, file: !3, line: 20, type: !64)
!74 = !DILocalVariable(name: "r2", scope: !58, file: !3, line: 20, type: !64)
!75 = !DILocalVariable(name: "r3", scope: !58, file: !3, line: 20, type: !64)
!76 = !DILocalVariable(name: "r4", scope: !58, file: !3, line: 20, type: !64)
!77 = !DILocalVariable(name: "r5", scope: !58, file: !3, line: 20, type: !64)
!78 = !DILocalVariable(name: "r6", scope: !58, file: !3, line: 20, type: !64)
!79 = !DILocalVariable(name: "r7", scope: !58, file: !3, line: 20, type: !64)
!80 = distinct !DIAssignID()
!81 = !DILocation(line: 0, scope: !58)
!82 = distinct !DIAssignID()
!83 = distinct !DIAssignID()
!84 = distinct !DIAssignID()
!85 = distinct !DIAssignID()
!86 = distinct !DIAssignID()
!87 = distinct !DIAssignID()
!88 = distinct !DIAssignID()
!89 = !DILocation(line: 20, column: 2, scope: !58)
!90 = !DILocalVariable(name: "r", arg: 1, scope: !91, file: !3, line: 11, type: !94)
!91 = distinct !DISubprogram(name: "trace_log", scope: !3, file: !3, line: 11, type: !92, scopeLine: 12, flags: DIFlagPrototyped | DIFlagAllCallsDescribed, spFlags: DISPFlagLocalToUnit | DISPFlagDefinition | DISPFlagOptimized, unit: !2, retainedNodes: !95)
!92 = !DISubroutineType(types: !93)
!93 = !{null, !94, !25}
!94 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !64, size: 64)
!95 = !{!90, !96}
!96 = !DILocalVariable(name: "id", arg: 2, scope: !91, file: !3, line: 11, type: !25)
!97 = !DILocation(line: 0, scope: !91, inlinedAt: !98)
!98 = distinct !DILocation(line: 21, column: 2, scope: !58)
!99 = !DILocation(line: 13, column: 10, scope: !91, inlinedAt: !98)
!100 = !DILocation(line: 13, column: 8, scope: !91, inlinedAt: !98)
!101 = !{!102, !103, i64 0}
!102 = !{!"trace_rec", !103, i64 0, !106, i64 8, !106, i64 12, !104, i64 16}
!103 = !{!"long long", !104, i64 0}
!104 = !{!"omnipotent char", !105, i64 0}
!105 = !{!"Simple C/C++ TBAA"}
!106 = !{!"int", !104, i64 0}
!107 = distinct !DIAssignID()
!108 = !DILocation(line: 13, column: 33, scope: !91, inlinedAt: !98)
!109 = !DILocation(line: 13, column: 36, scope: !91, inlinedAt: !98)
!110 = !{!102, !106, i64 8}
!111 = distinct !DIAssignID()
!112 = !DILocation(line: 13, column: 51, scope: !91, inlinedAt: !98)
!113 = !DILocation(line: 13, column: 45, scope: !91, inlinedAt: !98)
!114 = !DILocation(line: 13, column: 49, scope: !91, inlinedAt: !98)
!115 = !{!102, !106, i64 12}
!116 = distinct !DIAssignID()
!117 = !DILocation(line: 14, column: 26, scope: !91, inlinedAt: !98)
!118 = !DILocation(line: 14, column: 2, scope: !91, inlinedAt: !98)
!119 = !DILocation(line: 0, scope: !91, inlinedAt: !120)
!120 = distinct !DILocation(line: 21, column: 21, scope: !58)
!121 = !DILocation(line: 13, column: 10, scope: !91, inlinedAt: !120)
!122 = !DILocation(line: 13, column: 8, scope: !91, inlinedAt: !120)
!123 = distinct !DIAssignID()
!124 = !DILocation(line: 13, column: 33, scope: !91, inlinedAt: !120)
!125 = !DILocation(line: 13, column: 36, scope: !91, inlinedAt: !120)
!126 = distinct !DIAssignID()
!127 = !DILocation(line: 13, column: 51, scope: !91, inlinedAt: !120)
!128 = !DILocation(line: 13, column: 45, scope: !91, inlinedAt: !120)
!129 = !DILocation(line: 13, column: 49, scope: !91, inlinedAt: !120)
!130 = distinct !DIAssignID()
!131 = !DILocation(line: 14, column: 26, scope: !91, inlinedAt: !120)
!132 = !DILocation(line: 14, column: 2, scope: !91, inlinedAt: !120)
!133 = !DILocation(line: 0, scope: !91, inlinedAt: !134)
!134 = distinct !DILocation(line: 21, column: 40, scope: !58)
!135 = !DILocation(line: 13, column: 10, scope: !91, inlinedAt: !134)
!136 = !DILocation(line: 13, column: 8, scope: !91, inlinedAt: !134)
!137 = distinct !DIAssignID()
!138 = !DILocation(line: 13, column: 33, scope: !91, inlinedAt: !134)
!139 = !DILocation(line: 13, column: 36, scope: !91, inlinedAt: !134)
!140 = distinct !DIAssignID()
!141 = !DILocation(line: 13, column: 51, scope: !91, inlinedAt: !134)
!142 = !DILocation(line: 13, column: 45, scope: !91, inlinedAt: !134)
!143 = !DILocation(line: 13, column: 49, scope: !91, inlinedAt: !134)
!144 = distinct !DIAssignID()
!145 = !DILocation(line: 14, column: 26, scope: !91, inlinedAt: !134)
!146 = !DILocation(line: 14, column: 2, scope: !91, inlinedAt: !134)
!147 = !DILocation(line: 0, scope: !91, inlinedAt: !148)
!148 = distinct !DILocation(line: 21, column: 59, scope: !58)
!149 = !DILocation(line: 13, column: 10, scope: !91, inlinedAt: !148)
!150 = !DILocation(line: 13, column: 8, scope: !91, inlinedAt: !148)
!151 = distinct !DIAssignID()
!152 = !DILocation(line: 13, column: 33, scope: !91, inlinedAt: !148)
!153 = !DILocation(line: 13, column: 36, scope: !91, inlinedAt: !148)
!154 = distinct !DIAssignID()
!155 = !DILocation(line: 13, column: 51, scope: !91, inlinedAt: !148)
!156 = !DILocation(line: 13, column: 45, scope: !91, inlinedAt: !148)
!157 = !DILocation(line: 13, column: 49, scope: !91, inlinedAt: !148)
!158 = distinct !DIAssignID()
!159 = !DILocation(line: 14, column: 26, scope: !91, inlinedAt: !148)
!160 = !DILocation(line: 14, column: 2, scope: !91, inlinedAt: !148)
!161 = !DILocation(line: 0, scope: !91, inlinedAt: !162)
!162 = distinct !DILocation(line: 22, column: 2, scope: !58)
!163 = !DILocation(line: 13, column: 10, scope: !91, inlinedAt: !162)
!164 = !DILocation(line: 13, column: 8, scope: !91, inlinedAt: !162)
!165 = distinct !DIAssignID()
!166 = !DILocation(line: 13, column: 33, scope: !91, inlinedAt: !162)
!167 = !DILocation(line: 13, column: 36, scope: !91, inlinedAt: !162)
!168 = distinct !DIAssignID()
!169 = !DILocation(line: 13, column: 51, scope: !91, inlinedAt: !162)
!170 = !DILocation(line: 13, column: 45, scope: !91, inlinedAt: !162)
!171 = !DILocation(line: 13, column: 49, scope: !91, inlinedAt: !162)
!172 = distinct !DIAssignID()
!173 = !DILocation(line: 14, column: 26, scope: !91, inlinedAt: !162)
!174 = !DILocation(line: 14, column: 2, scope: !91, inlinedAt: !162)
!175 = !DILocation(line: 0, scope: !91, inlinedAt: !176)
!176 = distinct !DILocation(line: 22, column: 21, scope: !58)
!177 = !DILocation(line: 13, column: 10, scope: !91, inlinedAt: !176)
!178 = !DILocation(line: 13, column: 8, scope: !91, inlinedAt: !176)
!179 = distinct !DIAssignID()
!180 = !DILocation(line: 13, column: 33, scope: !91, inlinedAt: !176)
!181 = !DILocation(line: 13, column: 36, scope: !91, inlinedAt: !176)
!182 = distinct !DIAssignID()
!183 = !DILocation(line: 13, column: 51, scope: !91, inlinedAt: !176)
!184 = !DILocation(line: 13, column: 45, scope: !91, inlinedAt: !176)
!185 = !DILocation(line: 13, column: 49, scope: !91, inlinedAt: !176)
!186 = distinct !DIAssignID()
!187 = !DILocation(line: 14, column: 26, scope: !91, inlinedAt: !176)
!188 = !DILocation(line: 14, column: 2, scope: !91, inlinedAt: !176)
!189 = !DILocation(line: 0, scope: !91, inlinedAt: !190)
!190 = distinct !DILocation(line: 22, column: 40, scope: !58)
!191 = !DILocation(line: 13, column: 10, scope: !91, inlinedAt: !190)
!192 = !DILocation(line: 13, column: 8, scope: !91, inlinedAt: !190)
!193 = distinct !DIAssignID()
!194 = !DILocation(line: 13, column: 33, scope: !91, inlinedAt: !190)
!195 = !DILocation(line: 13, column: 36, scope: !91, inlinedAt: !190)
!196 = distinct !DIAssignID()
!197 = !DILocation(line: 13, column: 51, scope: !91, inlinedAt: !190)
!198 = !DILocation(line: 13, column: 45, scope: !91, inlinedAt: !190)
!199 = !DILocation(line: 13, column: 49, scope: !91, inlinedAt: !190)
!200 = distinct !DIAssignID()
!201 = !DILocation(line: 14, column: 26, scope: !91, inlinedAt: !190)
!202 = !DILocation(line: 14, column: 2, scope: !91, inlinedAt: !190)
!203 = !DILocation(line: 0, scope: !91, inlinedAt: !204)
!204 = distinct !DILocation(line: 22, column: 59, scope: !58)
!205 = !DILocation(line: 13, column: 10, scope: !91, inlinedAt: !204)
!206 = !DILocation(line: 13, column: 8, scope: !91, inlinedAt: !204)
!207 = distinct !DIAssignID()
!208 = !DILocation(line: 13, column: 33, scope: !91, inlinedAt: !204)
!209 = !DILocation(line: 13, column: 36, scope: !91, inlinedAt: !204)
!210 = distinct !DIAssignID()
!211 = !DILocation(line: 13, column: 51, scope: !91, inlinedAt: !204)
!212 = !DILocation(line: 13, column: 45, scope: !91, inlinedAt: !204)
!213 = !DILocation(line: 13, column: 49, scope: !91, inlinedAt: !204)
!214 = distinct !DIAssignID()
!215 = !DILocation(line: 14, column: 26, scope: !91, inlinedAt: !204)
!216 = !DILocation(line: 14, column: 2, scope: !91, inlinedAt: !204)
!217 = !DILocation(line: 23, column: 2, scope: !58)
!218 = !DILocation(line: 23, column: 47, scope: !58)
!219 = !DILocation(line: 24, column: 2, scope: !58)
!220 = !DILocation(line: 24, column: 47, scope: !58)
!221 = !DILocation(line: 25, column: 2, scope: !58)
!222 = !DILocation(line: 25, column: 47, scope: !58)
!223 = !DILocation(line: 26, column: 2, scope: !58)
!224 = !DILocation(line: 26, column: 47, scope: !58)
!225 = !DILocation(line: 28, column: 1, scope: !58)
!226 = !DILocation(line: 27, column: 2, scope: !58)
; The IR clang-19 -O2 -g writes for records_live.c (-S -emit-llvm).
; RUN-ARGS: --select BC201,BC204,BC212
; CHECK: BC201 tests/rules/BC212/records_live.c:20:0 error: program 'prog' needs 512 bytes of stack: its lowest access reaches -512, which clang/llc will refuse (the kernel would accept 512)
; CHECK-NOTE: tests/rules/BC212/records_live.c:20:0 8 × 64 B struct trace_rec in 'prog' (r0, r1, r2, r3, r4, r5, r6, r7), declared at line 20, filled by 8 inlined calls to trace_log at lines 21–22
; CHECK: BC212 tests/rules/BC212/records_live.c:21:2 error: trace_log is inlined 8 times into 'prog' and the records of 8 of its expansions (512 bytes) are live together at the peak of a 512-byte frame
; CHECK-NOTE: tests/rules/BC212/records_live.c:21:2 inlined call 1 of 8: fills r0 (64 bytes, struct trace_rec, declared at line 20), live at the peak
; CHECK-NOTE: tests/rules/BC212/records_live.c:21:21 inlined call 2 of 8: fills r1 (64 bytes, struct trace_rec, declared at line 20), live at the peak
; CHECK-NOTE: tests/rules/BC212/records_live.c:21:40 inlined call 3 of 8: fills r2 (64 bytes, struct trace_rec, declared at line 20), live at the peak
; CHECK-NOTE: tests/rules/BC212/records_live.c:21:59 inlined call 4 of 8: fills r3 (64 bytes, struct trace_rec, declared at line 20), live at the peak
; CHECK-NOTE: tests/rules/BC212/records_live.c:22:2 inlined call 5 of 8: fills r4 (64 bytes, struct trace_rec, declared at line 20), live at the peak
; CHECK-NOTE: tests/rules/BC212/records_live.c:22:21 inlined call 6 of 8: fills r5 (64 bytes, struct trace_rec, declared at line 20), live at the peak
; CHECK-NOTE: tests/rules/BC212/records_live.c:22:40 inlined call 7 of 8: fills r6 (64 bytes, struct trace_rec, declared at line 20), live at the peak
; CHECK-NOTE: tests/rules/BC212/records_live.c:22:59 inlined call 8 of 8: fills r7 (64 bytes, struct trace_rec, declared at line 20), live at the peak
; CHECK-NOTE: tests/rules/BC212/records_live.c fix: keep the records in a per-CPU array map (BPF_MAP_TYPE_PERCPU_ARRAY, one entry of 512 bytes) and fill them through the pointer bpf_map_lookup_elem returns: saves 512 bytes of the stack of 'prog'
; CHECK-NOTE: tests/rules/BC212/records_live.c fix: fewer live records: send each record before the next trace_log call fills another, so that they are dead in turn and LLVM gives them one slot: saves 448 bytes
; CHECK-NOTE: tests/rules/BC212/records_live.c __noinline on trace_log would not help: the records are variables of 'prog', which trace_log only fills
; CHECK-EXIT: 1
