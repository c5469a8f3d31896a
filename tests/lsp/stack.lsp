# An over-limit script: BC201 on the probe; hover on a str() slot tells its
# bytes, liveness, origin and that bpftrace 0.22 moves it to scratch; a
# newer text sent right after the first replaces it (only the newest
# version is published); editor settings select the rules.
> {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}
< {"id":1}
> {"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"@uri:examples/big-strings.bt","languageId":"bpftrace","version":1,"text":"@text:examples/clear-count.bt"}}}
> {"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"@uri:examples/big-strings.bt","version":2},"contentChanges":[{"text":"@text:examples/big-strings.bt"}]}}
< {"method":"textDocument/publishDiagnostics","params":{"uri":"@uri:examples/big-strings.bt","version":2}}
<! {"method":"textDocument/publishDiagnostics","params":{"version":1}}
> {"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"@uri:examples/big-strings.bt"},"position":{"line":9,"character":9}}}
< {"id":2,"result":{"contents":{"kind":"markdown","value":"**str** `str`: 64 bytes, not live at the peak of `kprobe:do_sys_openat2` (sized by the script)\n\n- on the stack; bpftrace 0.22 and later move it to a scratch buffer\n- origin: str str at 10:8\n\n"}}}
> {"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"@uri:examples/big-strings.bt"},"position":{"line":7,"character":3}}}
< {"id":3,"result":{"contents":{"kind":"markdown","value":"*"}}}
> {"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"bpfcheck":{"select":["BC201"]}}}}
< {"method":"textDocument/publishDiagnostics","params":{"uri":"@uri:examples/big-strings.bt","version":2,"diagnostics":[{"code":"BC201","severity":1,"range":{"start":{"line":7,"character":0}}}]}}
> {"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"bpfcheck":{"select":["BC999"]}}}}
< {"method":"textDocument/publishDiagnostics","params":{"version":2,"diagnostics":[{"severity":1,"message":"*","source":"bpfcheck"}]}}
> {"jsonrpc":"2.0","id":4,"method":"shutdown"}
< {"id":4,"result":null}
> {"jsonrpc":"2.0","method":"exit"}
= 0
