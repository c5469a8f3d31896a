$ --bpftrace 0.17 --kernel 6.18
# Without --no-config a document gets the .bpfcheckrc nearest to it
# (tests/lsp/config/.bpfcheckrc: BC302 is an error), the editor's settings
# over it (a note), and the server's command line over both.
> {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}
< {"id":1}
> {"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"@uri:tests/lsp/config/clear-count.bt","languageId":"bpftrace","version":1,"text":"@text:tests/lsp/config/clear-count.bt"}}}
< {"method":"textDocument/publishDiagnostics","params":{"version":1,"diagnostics":[{"code":"BC302","severity":1}]}}
> {"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"bpfcheck":{"severity":{"BC302":"note"}}}}}
< {"method":"textDocument/publishDiagnostics","params":{"version":1,"diagnostics":[{"code":"BC302","severity":3}]}}
> {"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"bpfcheck":{"severity.BC302":"warning","ignore":"BC1*"}}}}
< {"method":"textDocument/publishDiagnostics","params":{"version":1,"diagnostics":[{"code":"BC302","severity":2}]}}
> {"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"bpfcheck":{"no-such-key":1}}}}
< {"method":"textDocument/publishDiagnostics","params":{"version":1,"diagnostics":[{"severity":1,"message":"editor setting 'no-such-key': not a .bpfcheckrc key"}]}}
> {"jsonrpc":"2.0","id":2,"method":"shutdown"}
< {"id":2,"result":null}
> {"jsonrpc":"2.0","method":"exit"}
= 0
