stack --no-config --no-cache --kernel 6.1 fixtures/bad/ir_ghccc.ll fixtures/ir/ctx_static_offset.ll fixtures/bad/ir_fence.ll
