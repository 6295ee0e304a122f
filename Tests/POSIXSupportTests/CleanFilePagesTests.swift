import POSIXSupport
import Testing

@Suite struct CleanFilePagesTests {
    /// Four mappings of one static-pie binary as smaps prints them (trimmed to the fields
    /// read), then an anonymous mapping and a library.
    static let smaps = """
        55f83fb28000-55f8403bc000 r-xp 00000000 fe:00 5367062                    /opt/tp/trustedpathd
        Size:               8784 kB
        Rss:                5552 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me dw sd
        55f8403bd000-55f8403f9000 r--p 00894000 fe:00 5367062                    /opt/tp/trustedpathd
        Rss:                 240 kB
        Anonymous:           240 kB
        55f8403f9000-55f840536000 rw-p 008d0000 fe:00 5367062                    /opt/tp/trustedpathd
        Rss:                 564 kB
        Anonymous:           108 kB
        55f840536000-55f840540000 r--p 00a0d000 fe:00 5367062                    /opt/tp/trustedpathd
        Rss:                   0 kB
        Anonymous:             0 kB
        55f840540000-55f840560000 rw-p 00000000 00:00 0 
        Rss:                  28 kB
        Anonymous:            28 kB
        7f0000000000-7f0000100000 r-xp 00028000 fe:00 131 /usr/lib/x86_64-linux-gnu/libc.so.6
        Rss:                1072 kB
        Anonymous:             0 kB
        """

    @Test func readsEachMappingWithItsResidentAndPrivateSizes() {
        let mappings = CleanFilePages.mappings(smaps: Self.smaps)
        #expect(mappings.count == 6)
        let text = mappings[0]
        #expect(text.start == 0x55f8_3fb2_8000 && text.end == 0x55f8_403b_c000)
        #expect(text.permissions == "r-xp" && text.path == "/opt/tp/trustedpathd")
        #expect(text.residentKiB == 5552 && text.anonymousKiB == 0)
        #expect(mappings[4].path == "")
        #expect(mappings[5].path == "/usr/lib/x86_64-linux-gnu/libc.so.6")
    }

    /// Only what reads back the same from the file may go: not the relocated read-only
    /// segment (private copies), not the data segment (writable), not an anonymous mapping.
    @Test func onlyUnwritableMappingsWithoutPrivateCopiesAreClean() {
        let clean = CleanFilePages.mappings(smaps: Self.smaps).map(\.isClean)
        #expect(clean == [true, false, false, true, false, true])
    }

    @Test func linesItDoesNotKnowAndBrokenHeadersAreSkipped() {
        let text = """
            Rss: 12 kB
            zz-10 r-xp 0 0 0 /x
            1000-2000 r-xp 0 0:0 7 /a path with  spaces
            Rss:   8 kB
            Anonymous: many kB
            THPeligible:    0
            3000-2000 r-xp 0 0:0 7 /backwards
            """
        let mappings = CleanFilePages.mappings(smaps: text)
        #expect(mappings.map(\.path) == ["/a path with  spaces"])
        #expect(mappings.first?.residentKiB == 8)
        #expect(mappings.first?.anonymousKiB == 0)
    }

    /// This test process's own executable: found, and its text is among the clean mappings.
    @Test func findsThisProgramsCleanResidentText() throws {
        let executable = try #require(CleanFilePages.executablePath())
        let mappings = CleanFilePages.cleanResidentMappings(of: executable)
        #expect(mappings.contains { $0.permissions.hasPrefix("r-x") })
        #expect(mappings.allSatisfy { $0.isClean })
    }
}
