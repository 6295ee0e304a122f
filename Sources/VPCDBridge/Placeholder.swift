// VPCDBridge: see the files of this folder.
