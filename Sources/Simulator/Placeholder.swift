// Simulator: see the files of this folder.
