// LibUSBLink: see the files of this folder.
