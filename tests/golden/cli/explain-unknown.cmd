explain BC999
