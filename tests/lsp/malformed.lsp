# Bytes that are not a message get an error response (id null) and the
# server carries on with the next message; it never crashes.
> {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}
< {"id":1,"result":{"capabilities":{"positionEncoding":"utf-16"}}}
>raw Content-Length: abc\r\n\r\n{}
< {"id":null,"error":{"code":-32700,"message":"missing or invalid Content-Length; header dropped"}}
# the body "{}" is garbage in front of the next header
>raw Content-Length: 999999999999\r\n\r\n
< {"id":null,"error":{"code":-32700,"message":"bytes that are not a message before a header; dropped"}}
< {"id":null,"error":{"code":-32700,"message":"Content-Length over the 64 MiB limit; header dropped"}}
>raw Content-Type: application/vscode-jsonrpc\r\n\r\n
< {"id":null,"error":{"code":-32700,"message":"missing or invalid Content-Length; header dropped"}}
>raw Content-Length: 9\r\n\r\n{"id": 1,
< {"id":null,"error":{"code":-32700,"message":"invalid JSON"}}
>raw Content-Length: 7\r\n\r\n[1,2,3]
< {"id":null,"error":{"code":-32600}}
> {"jsonrpc":"2.0","id":2,"method":"no/such/method","params":{}}
< {"id":2,"error":{"code":-32601,"message":"unknown method 'no/such/method'"}}
> {"jsonrpc":"2.0","id":{"an":"object"},"method":"shutdown"}
< {"id":null,"error":{"code":-32600}}
> {"jsonrpc":"2.0","id":3}
< {"id":3,"error":{"code":-32600}}
> {"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":7}
< {"id":4,"error":{"code":-32602}}
> {"jsonrpc":"2.0","id":5,"method":"textDocument/codeAction","params":{"textDocument":{}}}
< {"id":5,"error":{"code":-32602}}
> {"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":7}}}
> {"jsonrpc":"2.0","method":"$/unknownNotification","params":{}}
> {"jsonrpc":"2.0","id":6,"method":"shutdown"}
< {"id":6,"result":null}
> {"jsonrpc":"2.0","method":"exit"}
= 0
