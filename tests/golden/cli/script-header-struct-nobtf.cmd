stack --no-config --no-cache --btf none -I fixtures/scripts/headers fixtures/scripts/headers/header_struct.bt
