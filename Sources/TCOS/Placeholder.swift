// TCOS: see the files of this folder.
