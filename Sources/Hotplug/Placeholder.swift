// Hotplug: see the files of this folder.
