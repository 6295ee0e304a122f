// CCID: see the files of this folder.
