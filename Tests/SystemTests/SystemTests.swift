import Testing

/// The system tier: the real libusb under umockdev. One parent suite, serialized, because
/// a testbed redirects /sys and /dev for the whole process (UMOCKDEV_DIR).
@Suite("System tier (libusb under umockdev)", .serialized,
       .enabled(if: Umockdev.isPreloaded, Comment(rawValue: Umockdev.howToRun)))
struct SystemTests {}
