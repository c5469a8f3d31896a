# needs: /bin/true
/bin/true
