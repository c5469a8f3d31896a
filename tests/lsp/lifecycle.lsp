# Requests before initialize are refused; initialize tells what the server
# really offers; shutdown then exit ends it with status 0.
> {"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"textDocument":{"uri":"@uri:examples/clear-count.bt"},"position":{"line":0,"character":0}}}
< {"jsonrpc":"2.0","id":1,"error":{"code":-32002}}
> {"jsonrpc":"2.0","id":2,"method":"initialize","params":{"capabilities":{"general":{"positionEncodings":["utf-8","utf-16"]}}}}
< {"id":2,"result":{"capabilities":{"positionEncoding":"utf-8","textDocumentSync":{"openClose":true,"change":1,"save":{"includeText":false}},"codeActionProvider":{"codeActionKinds":["quickfix"]},"hoverProvider":true},"serverInfo":{"name":"bpfcheck"}}}
> {"jsonrpc":"2.0","id":3,"method":"initialize","params":{"capabilities":{}}}
< {"id":3,"error":{"code":-32600}}
> {"jsonrpc":"2.0","method":"initialized","params":{}}
> {"jsonrpc":"2.0","id":4,"method":"shutdown"}
< {"id":4,"result":null}
> {"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{}}
< {"id":5,"error":{"code":-32600}}
> {"jsonrpc":"2.0","method":"exit"}
= 0
