import Testing
import Transcript
import TrustedPathCore

@Suite struct TextFormTests {
    @Test func printsTheDocumentedForm() {
        let lines = Samples.packets.map(TranscriptText.line(for:))
        #expect(lines[0] == "1708183523.534163 ffff880000000040 S Ci 1:2:80 st=-115 len=18 setup=8006000100001200")
        #expect(lines[3] == "5.000002 7 C Co 1:2:00 st=-32 len=0")
        #expect(lines[4] == "6.999999 8 S Bo 3:5:02 st=-115 len=10 data=6f050000000000000000")
        #expect(lines[11] == "0.000000 c S Zi 3:5:84 st=-115 len=192 interval=1 start=1234 flags=0x201")
    }

    @Test func parsesTextWrittenByHand() throws {
        let text = """
            # a comment, then a blank line

            \t12.000001   abc  C  Bi 1:5:82 len=3 st=0 data=ABcdEF\r
            """
        let packets = try TranscriptText.parse(text)
        #expect(packets == [UsbmonPacket(urbID: 0xABC, event: .completion, transferType: .bulk,
                                         endpoint: 0x82, device: 5, bus: 1, seconds: 12, microseconds: 1,
                                         status: 0, length: 3, data: [0xAB, 0xCD, 0xEF])])
        // Printing normalizes spacing, case and key order; printing again changes nothing.
        let printed = TranscriptText.format(packets)
        #expect(printed == "12.000001 abc C Bi 1:5:82 st=0 len=3 data=abcdef\n")
        #expect(try TranscriptText.format(TranscriptText.parse(printed)) == printed)
    }

    @Test func microsecondsOutOfRangeCarryIntoSeconds() throws {
        var p = Samples.packets[5]
        p.seconds = 10
        p.microseconds = -1
        let back = try #require(try TranscriptText.parseLine(Substring(TranscriptText.line(for: p))))
        #expect(back.seconds == 9 && back.microseconds == 999_999)
        p.microseconds = Int32.min
        p.seconds = Int64.min
        _ = TranscriptText.line(for: p)   // must not trap
    }

    @Test(arguments: [
        ("1.000000 1 S Bo 1:2:02 st=0", "st= and len= are required"),
        ("1.5 1 S Bo 1:2:02 st=0 len=0", "six fraction digits"),
        ("1.000000 xyz S Bo 1:2:02 st=0 len=0", "URB id"),
        ("1.000000 11112222333344445 S Bo 1:2:02 st=0 len=0", "URB id"),
        ("1.000000 1 X Bo 1:2:02 st=0 len=0", "event"),
        ("1.000000 1 S Qo 1:2:02 st=0 len=0", "transfer"),
        ("1.000000 1 S Bi 1:2:02 st=0 len=0", "disagrees with direction"),
        ("1.000000 1 S Bo 1:2:2 st=0 len=0", "address"),
        ("1.000000 1 S Bo 1:256:02 st=0 len=0", "address"),
        ("1.000000 1 S Bo 1:2:02 st=0 len=-1", "len"),
        ("1.000000 1 S Bo 1:2:02 st=0 len=0 data=abc", "data"),
        ("1.000000 1 S Bo 1:2:02 st=0 len=0 data=0x00", "data"),
        ("1.000000 1 S Co 1:2:00 st=0 len=0 setup=0011", "setup"),
        ("1.000000 1 S Bo 1:2:02 st=0 len=0 st=1", "given twice"),
        ("1.000000 1 S Bo 1:2:02 st=0 len=0 colour=red", "unknown key"),
        ("1.000000 1 S Bo 1:2:02 st=0 len=0 flags=12", "flags"),
        ("1.000000 1 S Bo 1:2:02 st=0 len=0 naked", "key=value"),
        ("1.000000 1 S Bo", "found 4 field(s)"),
    ])
    func parseErrorsNameLineAndProblem(line: String, problem: String) {
        let text = "# header\n" + TranscriptText.line(for: Samples.packets[4]) + "\n" + line + "\n"
        #expect {
            try TranscriptText.parse(text)
        } throws: { error in
            guard let error = error as? TranscriptError else { return false }
            return error.code == .textSyntax && error.line == 3 && error.reason.contains(problem)
                && error.description.hasPrefix("the text does not parse at line 3: ")
        }
    }
}
