stack --no-config --no-cache -I fixtures/scripts/headers fixtures/scripts/headers/header_struct.bt
