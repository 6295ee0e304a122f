// PCSC: see the files of this folder.
