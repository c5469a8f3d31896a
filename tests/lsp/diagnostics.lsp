# A script's findings as diagnostics (code, severity, span, notes), its fix
# and "disable for this line" as code actions, hover on a map and a slot,
# and an empty list once the document is closed.
> {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}
< {"id":1,"result":{"capabilities":{"positionEncoding":"utf-16"}}}
> {"jsonrpc":"2.0","method":"initialized","params":{}}
> {"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"@uri:examples/clear-count.bt","languageId":"bpftrace","version":3,"text":"@text:examples/clear-count.bt"}}}
< {"method":"textDocument/publishDiagnostics","params":{"uri":"@uri:examples/clear-count.bt","version":3,"diagnostics":[{"range":{"start":{"line":5,"character":30},"end":{"line":5,"character":43}},"severity":2,"code":"BC302","source":"bpfcheck","message":"*","relatedInformation":[{"location":{"uri":"@uri:examples/clear-count.bt","range":{"start":{"line":4,"character":39},"end":{"line":4,"character":56}}},"message":"@opens is made a count() map without keys here"},{"location":{"uri":"@uri:examples/clear-count.bt","range":{"start":{"line":5,"character":15}}},"message":"*"}]}]}}
> {"jsonrpc":"2.0","id":2,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"@uri:examples/clear-count.bt"},"range":{"start":{"line":5,"character":35},"end":{"line":5,"character":35}},"context":{"diagnostics":[]}}}
< {"id":2,"result":[{"title":"replace count() with sum(1), a hash map that clear() empties (BC302) [unsafe: may change what the script does]","kind":"quickfix","diagnostics":[{"code":"BC302"}],"edit":{"changes":{"@uri:examples/clear-count.bt":[{"range":{"start":{"line":4,"character":48},"end":{"line":4,"character":55}},"newText":"sum(1)"}]}}},{"title":"Disable BC302 for this line","kind":"quickfix","edit":{"changes":{"@uri:examples/clear-count.bt":[{"range":{"start":{"line":5,"character":0},"end":{"line":5,"character":0}},"newText":"// bpfcheck: disable-next-line=BC302\n"}]}}}]}
> {"jsonrpc":"2.0","id":3,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"@uri:examples/clear-count.bt"},"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":3}},"context":{"diagnostics":[]}}}
< {"id":3,"result":[]}
> {"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":{"textDocument":{"uri":"@uri:examples/clear-count.bt"},"position":{"line":5,"character":23}}}
< {"id":4,"result":{"contents":{"kind":"markdown"}}}
> {"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{"textDocument":{"uri":"@uri:examples/clear-count.bt"},"position":{"line":0,"character":2}}}
< {"id":5,"result":null}
> {"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":"@uri:examples/clear-count.bt"}}}
< {"method":"textDocument/publishDiagnostics","params":{"uri":"@uri:examples/clear-count.bt","diagnostics":[]}}
> {"jsonrpc":"2.0","id":6,"method":"shutdown"}
< {"id":6,"result":null}
> {"jsonrpc":"2.0","method":"exit"}
= 0
