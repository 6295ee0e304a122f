#if canImport(Glibc)
import Glibc
#endif

/// Gives back the pages of a file mapping that hold nothing but the file's own bytes, so
/// that they stop counting in the process's resident set; the next access maps them again
/// from the page cache (a minor fault, no disk read while the file stays cached).
///
/// Why a daemon wants this: the kernel maps file pages in 64 KiB runs around each fault, and
/// a statically linked Swift program touches most of its runtime at start-up (the first
/// dynamic cast scans every protocol conformance record of the standard library). After
/// start-up that is about 5.5 MiB of the daemon's binary resident that its idle loop never
/// uses again.
///
/// Only a mapping that cannot be written (no `w` permission) and holds no private copy of a
/// page (`Anonymous: 0 kB` in smaps) is released: such a page reads back the same from the
/// file. A relocated read-only segment (RELRO) holds copied pages and is left alone, as are
/// the data segment and every writable mapping.
public enum CleanFilePages {
    public struct Mapping: Equatable, Sendable {
        public var start: UInt
        public var end: UInt
        public var permissions: String
        public var path: String
        public var residentKiB: Int
        public var anonymousKiB: Int

        /// Safe to drop: it can't be written and every resident page is the file's own.
        public var isClean: Bool { !permissions.contains("w") && anonymousKiB == 0 }
    }

    /// The mappings of `/proc/PID/smaps` text, with their Rss and Anonymous sizes. Lines it
    /// does not know are skipped; a mapping line that doesn't parse ends nothing but itself.
    public static func mappings(smaps text: String) -> [Mapping] {
        var mappings: [Mapping] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let mapping = mappingHeader(line) {
                mappings.append(mapping)
            } else if !mappings.isEmpty, let (key, kiB) = sizeField(line) {
                switch key {
                case "Rss": mappings[mappings.count - 1].residentKiB = kiB
                case "Anonymous": mappings[mappings.count - 1].anonymousKiB = kiB
                default: break
                }
            }
        }
        return mappings
    }

    /// The clean, resident mappings of `path` in this process; empty when smaps can't be read.
    public static func cleanResidentMappings(of path: String) -> [Mapping] {
        guard let bytes = SmallFile.read("/proc/self/smaps", limit: 4 << 20) else { return [] }
        return mappings(smaps: String(decoding: bytes, as: UTF8.self)).filter {
            $0.path == path && $0.isClean && $0.residentKiB > 0
        }
    }

    /// Drops `mappings` from the resident set. The caller does its own work (logging
    /// included) before: every code page touched after this call is mapped again, with the
    /// kernel's fault-around of the pages beside it.
    public static func release(_ mappings: [Mapping]) {
        for mapping in mappings {
            _ = madvise(UnsafeMutableRawPointer(bitPattern: mapping.start), Int(mapping.end - mapping.start), MADV_DONTNEED)
        }
    }

    /// This program's own file, as the kernel names it in smaps.
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `start-end perms offset dev inode [path]`
    private static func mappingHeader(_ line: Substring) -> Mapping? {
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5 else { return nil }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
              start < end, fields[1].count == 4 else { return nil }
        let path = fields.count == 6 ? String(fields[5].drop { $0 == " " }) : ""
        return Mapping(start: start, end: end, permissions: String(fields[1]), path: path,
                       residentKiB: 0, anonymousKiB: 0)
    }

    /// `Key:   123 kB`
    private static func sizeField(_ line: Substring) -> (Substring, Int)? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 3, fields[0].last == ":", fields[2] == "kB", let kiB = Int(fields[1]) else { return nil }
        return (fields[0].dropLast(), kiB)
    }
}
