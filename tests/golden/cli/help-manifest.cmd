help manifest
