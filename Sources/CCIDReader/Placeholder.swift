// CCIDReader: see the files of this folder.
