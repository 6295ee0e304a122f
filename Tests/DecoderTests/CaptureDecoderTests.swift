import Foundation
import Testing
import CaptureDecoder
import TestSupport
import Transcript

/// Decodes a whole capture into JSON lines, as `trustedpath transcript decode --json` does.
func decodeJSON(_ bytes: [UInt8]) -> (lines: [[String: Any]], error: TranscriptError?) {
    let (packets, error) = CaptureReader.readPrefix(bytes)
    var decoder = CaptureCCIDDecoder()
    var writer = JSONLineWriter()
    let emit: (CaptureCCIDDecoder.Event) -> Void = { event in
        if case .message(let record) = event { writer.write(record) }
    }
    for captured in packets { decoder.feed(frame: captured.frame, captured.packet, emit: emit) }
    decoder.finish(emit: emit)
    let lines = String(decoding: writer.buffer, as: UTF8.self).split(separator: "\n").map {
        (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:]
    }
    return (lines, error)
}

@Suite struct CaptureDecoderTests {
    let usbmon = try! Fixture.bytes("captures/emv-reader-usbmon.pcap")
    let usbpcap = try! Fixture.bytes("captures/emv-reader-usbpcap.pcapng")

    @Test func bothCapturesOfTheSameTrafficDecodeToTheSameMessages() throws {
        let a = decodeJSON(usbmon)
        let b = decodeJSON(usbpcap)
        #expect(a.error == nil && b.error == nil)
        #expect(a.lines.count == 426)
        let strip: ([String: Any]) -> NSDictionary = { line in
            var copy = line
            copy["frame"] = nil
            return copy as NSDictionary
        }
        #expect(a.lines.map(strip) == b.lines.map(strip))
    }

    /// tshark's dissector agrees on every message it sees whole; the ones a reader split over
    /// two transfers it cuts in two, and we reassemble.
    @Test func agreesWithTsharkExceptWhereItCannotReassemble() throws {
        let ours = Dictionary(uniqueKeysWithValues: decodeJSON(usbmon).lines.map {
            ($0["frame"] as! Int, ($0["bMessageType"] as! Int, $0["bSeq"] as? Int))
        })
        var agreed = 0, split = 0
        for row in try Fixture.text("captures/emv-reader-usbmon.tshark-ccid.tsv").split(separator: "\n") {
            let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
            let frame = Int(fields[0])!
            let type = Int(fields[1].dropFirst(2), radix: 16)!
            let seq = Int(fields[2])
            if let mine = ours[frame], mine.0 == type, mine.1 == seq {
                agreed += 1
            } else {
                // Either the first half of a split message (we emit at the next frame), or
                // the second half that tshark took for a message of its own.
                split += 1
            }
        }
        #expect(agreed == 410)
        #expect(split == 32)
        #expect(ours.count == 426)
    }

    @Test func aSplitDataBlockIsReassembledWithItsStatusWord() throws {
        let lines = decodeJSON(usbmon).lines
        let reply = try #require(lines.first { $0["frame"] as? Int == 34 })
        #expect(reply["message"] as? String == "RDR_to_PC_DataBlock")
        #expect(reply["dwLength"] as? Int == 36)
        #expect(reply["bSeq"] as? Int == 38)
        #expect(reply["SW1"] as? Int == 0x90 && reply["SW2"] as? Int == 0x00)
        let command = try #require(lines.first { $0["frame"] as? Int == 25 })
        let apdu = try #require(command["apdu"] as? [String: Any])
        #expect(apdu["INS"] as? Int == 0xA4)
        #expect(apdu["Lc"] as? Int == 14)
        #expect(apdu["Le"] as? Int == 256)
        #expect(apdu["data"] as? String == "315041592e5359532e4444463031")
    }

    @Test func aTruncatedCaptureKeepsEveryMessageBeforeTheDamage() throws {
        let cut = Array(usbmon.prefix(usbmon.count / 2))
        let (lines, error) = decodeJSON(cut)
        let failure = try #require(error)
        #expect(failure.offset != nil)
        #expect(lines.count > 150)
        let whole = decodeJSON(usbmon).lines
        let lastFrame = lines.last?["frame"] as? Int ?? 0
        #expect(lines.count == whole.filter { ($0["frame"] as! Int) <= lastFrame }.count)
    }

    @Test func aForeignFileIsAClearError() {
        let (lines, error) = decodeJSON(Array("%PDF-1.7 not a capture".utf8))
        #expect(lines.isEmpty)
        #expect(error != nil)
    }
}
