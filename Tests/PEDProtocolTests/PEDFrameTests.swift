import PEDProtocol
import Testing
import TestSupport
import TrustedPathCore

@Suite struct PEDFrameTests {
    @Test func crcCheckValue() {
        #expect(CRC16.ccittFalse(Array("123456789".utf8)) == 0x29B1)
    }

    /// The worked examples of docs/ped-protocol.md.
    @Test func documentedFrames() throws {
        #expect(Hex.encode(PEDRequest.keepAlive.frame(sequence: 5).encoded(), separator: " ")
                    == "50 44 01 05 02 00 00 00 6D EF")
        #expect(Hex.encode(PEDRequest.hello(hsmFirmware: FirmwareVersion(7, 7, 0)).frame(sequence: 1).encoded(),
                           separator: " ") == "50 44 01 01 01 00 04 00 01 07 07 00 D4 DC")
        let reply = try PEDFrame(parsing: try #require(Hex.decode("50 44 01 01 81 00 0B 00 00 02 09 00 00 01 04 50 31 32 33 FD 3E")))
        guard case .hello(let id) = try PEDReply(frame: reply) else { Issue.record("not a hello"); return }
        #expect(id == PEDIdentity(firmware: FirmwareVersion(2, 9, 0), power: .usbBus, serial: "P123"))
        #expect(reply.sequence == 1)
    }

    @Test func docsMatchTheEncoder() throws {
        let doc = try String(contentsOf: Fixture.root.deletingLastPathComponent().appendingPathComponent("docs/ped-protocol.md"),
                             encoding: .utf8)
        #expect(doc.contains(Hex.encode(PEDRequest.keepAlive.frame(sequence: 5).encoded(), separator: " ")))
    }

    @Test func errorsNameFieldAndOffset() {
        var frame = PEDRequest.keepAlive.frame(sequence: 5).encoded()
        frame[9] ^= 1
        #expect(throws: PEDProtocolError(.badChecksum, field: "checksum", offset: 8)) { try PEDFrame(parsing: frame) }
        #expect(throws: PEDProtocolError.self) { try PEDFrame(parsing: [0x50, 0x45]) }
        do { _ = try PEDFrame(parsing: [0x50, 0x44, 0x01, 0, 0, 0, 0xFF, 0xFF]) } catch {
            #expect(error.code == .tooLong && error.field == "length" && error.offset == 6)
        }
        do { _ = try PEDFrame(parsing: Array(frame.prefix(9))) } catch {
            #expect(error.code == .truncated && error.field == "checksum")
        }
    }

    @Test func everyRequestRoundTrips() throws {
        let secret = SecretBytes(Array(1...32))
        let requests: [PEDRequest] = [
            .hello(hsmFirmware: FirmwareVersion(7, 8, 1)), .keepAlive, .showPrompt(["Insert", "blue key"]),
            .readSecret(role: .hsmSO, policy: try MofN(m: 3, n: 5), keyTimeout: 200),
            .writeSecret(role: .cryptoOfficer, policy: try MofN(m: 2, n: 3),
                         options: PEDWriteOptions(duplicates: 1, duplicatesOwnPIN: true, overwrite: false),
                         keyTimeout: 600, secret: secret),
            .duplicateKey(role: .remotePEDVector, keyTimeout: 300), .setPIN(role: .auditor, keyTimeout: 200), .cancel,
        ]
        for request in requests {
            let bytes = request.frame(sequence: 9).encoded()
            let back = try PEDRequest(frame: try PEDFrame(parsing: bytes))
            #expect(back.frame(sequence: 9).encoded() == bytes)
        }
    }

    @Test func everyReplyRoundTrips() throws {
        let replies: [PEDReply] = [
            .hello(PEDIdentity(firmware: FirmwareVersion(2, 7, 4), power: .external, serial: "ped-1")),
            .keepAlive, .showPrompt, .cancel,
            .readSecret(secret: SecretBytes([9, 9, 9]), keys: [PEDKeyID(1), PEDKeyID(2)], duplicatesIgnored: 1),
            .writeSecret(keys: [PEDKeyID(3)], set: PEDKeyID(77)),
            .duplicateKey(source: PEDKeyID(3), copy: PEDKeyID(4)), .setPIN(key: PEDKeyID(5)),
            .failure(.readSecret, .wrongPIN, "wrong PED PIN for key 0000000000000005"),
        ]
        for reply in replies {
            let bytes = reply.frame(sequence: 200).encoded()
            let back = try PEDReply(frame: try PEDFrame(parsing: bytes))
            #expect(back.frame(sequence: 200).encoded() == bytes)
            #expect(back.type == reply.type)
        }
    }

    @Test func badPayloadsNameTheField() throws {
        var bad = PEDFrame(sequence: 1, type: PEDMessageType.readSecret.rawValue, payload: [1, 4, 3, 200, 0])
        do { _ = try PEDRequest(frame: bad) } catch { #expect(error.field == "m" && error.code == .badValue) }
        bad.payload = [9, 1, 1, 200, 0]
        do { _ = try PEDRequest(frame: bad) } catch { #expect(error.field == "role") }
        bad.payload = [1, 1]
        do { _ = try PEDRequest(frame: bad) } catch { #expect(error.code == .truncated && error.field == "n") }
        bad.payload = [1, 1, 1, 200, 0, 0]
        #expect(throws: PEDProtocolError(.trailingBytes, field: "payload", offset: 5)) { try PEDRequest(frame: bad) }
        let reply = PEDFrame(sequence: 1, type: 0x84, payload: [0x77])
        do { _ = try PEDReply(frame: reply) } catch { #expect(error.field == "status") }
    }

    @Test func assemblerJoinsSplitsAndSkipsGarbage() {
        let one = PEDRequest.keepAlive.frame(sequence: 1).encoded()
        let two = PEDReply.setPIN(key: PEDKeyID(5)).frame(sequence: 2).encoded()
        var assembler = PEDFrameAssembler()
        var got: [PEDFrame] = []
        let stream = [0x00, 0x13, 0x50] + one + two
        for chunk in stride(from: 0, to: stream.count, by: 3) {
            got += assembler.append(Array(stream[chunk..<min(chunk + 3, stream.count)]))
        }
        #expect(got.map(\.sequence) == [1, 2])
        #expect(assembler.discarded == 3 && assembler.buffered == 0)
    }

    @Test func randomBytesNeverTrap() {
        var rng = SeededGenerator(state: 7)
        var assembler = PEDFrameAssembler()
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...80, using: &rng)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if Bool.random(using: &rng), bytes.count > 3 { bytes[0] = 0x50; bytes[1] = 0x44; bytes[2] = 1 }
            if let frame = try? PEDFrame(parsing: bytes) {
                #expect(frame.encoded() == bytes)
                _ = try? PEDRequest(frame: frame)
                _ = try? PEDReply(frame: frame)
            }
            for frame in assembler.append(bytes) { _ = try? PEDReply(frame: frame) }
        }
    }
}
