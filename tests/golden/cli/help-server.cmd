help server
