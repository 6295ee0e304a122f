// PINPad: see the files of this folder.
