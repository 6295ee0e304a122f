// CaptureDecoder: see the files of this folder.
