// APDU: see the files of this folder.
