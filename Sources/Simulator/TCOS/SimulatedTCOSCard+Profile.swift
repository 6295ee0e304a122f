import TCOS
import TrustedPathCore

extension SimulatedTCOSCard {
    /// Which card to simulate. The reference transcript was taken from more than one card
    /// state (see docs/tcos-layout.md), so each of its sections has a profile that answers it.
    public enum Profile: Sendable, Hashable {
        /// The appliance's card: the NetKey-like structure OpenSC's pkcs15-tcos reads, plus
        /// the two TrustedPath slots (TCOSSlot) with transport PIN 123456 and PUK 12345678.
        case trustedPath
        /// The card of the opensc-tool, opensc-explorer, pkcs15-tool -D and pyscard sections:
        /// MF "foo" with EF 2F02 and DF 01 "foo", global PIN 1 = 1234.
        case openscReference
        /// The NetKey card of the pkcs15-tool-D-netkey and signing sections (`wrapped`: C000
        /// holds the 9-byte 30 82 03 3A 06 03 55 04 24 prefix then the certificate) and of the
        /// pkcs15-tool-verify section (`wrapped: false`: the bare certificate).
        case netKeyReference(certificateWrapped: Bool)
        /// A card with nothing but the MF and the serial EF.
        case blank

        func makeState() -> SimulatedTCOSState {
            var state = SimulatedTCOSState()
            let mf = SimulatedTCOSState.mf
            state.files[mf] = SimulatedTCOSFile(body: .directory(name: Array("foo".utf8), children: []))
            state.add(mf + [0x2F02], SimulatedTCOSFile(body: .transparent(Self.serialGDO)))
            switch self {
            case .blank:
                break
            case .openscReference:
                state.add(mf + [0xDF01], SimulatedTCOSFile(body: .directory(name: Array("foo".utf8), children: [])))
                state.addPIN(mf, number: 1, SimulatedTCOSPIN(Array("1234".utf8)))
            case .netKeyReference(let wrapped):
                Self.addNetKey(&state, certificateWrapped: wrapped)
            case .trustedPath:
                Self.addNetKey(&state, certificateWrapped: true)
                for slot in TCOSSlot.all { Self.addSlot(&state, slot) }
            }
            return state
        }

        /// EF 2F02 as the reference card answers it: 5A 0A then the 10-byte serial.
        static let serialGDO: [UInt8] = [0x5A, 0x0A, 0x89, 0x49, 0x01, 0x73, 0x00, 0x00, 0x00, 0x01, 0x23, 0x45]

        /// What pkcs15-tcos.c reads on a NetKey card, record for record as in the transcript.
        static func addNetKey(_ state: inout SimulatedTCOSState, certificateWrapped: Bool) {
            let mf = SimulatedTCOSState.mf
            let df = mf + [0xDF01]
            state.add(mf + [0x5049], SimulatedTCOSFile(body: .records([
                [0xA0, 0x06, 0x83, 0x01, 0x00, 0x90, 0x01, 0x03],
                [0xA0, 0x06, 0x83, 0x01, 0x01, 0x90, 0x01, 0x03],
            ])))
            state.add(df, SimulatedTCOSFile(body: .directory(name: [0xD2, 0x76, 0x00, 0x00, 0x03, 0x01, 0x02],
                                                             children: [])))
            let certificate = NetKeyCertificate.bytes
            state.add(df + [0xC000], SimulatedTCOSFile(body: .transparent(
                certificateWrapped ? NetKeyCertificate.wrapperPrefix + certificate : certificate)))
            state.add(df + [0x5349], SimulatedTCOSFile(body: .records([
                [0xA0, 0x03, 0x83, 0x01, 0x80, 0xB6, 0x00, 0xB8, 0x00],
                [0xA0, 0x03, 0x83, 0x01, 0x82, 0xB6, 0x00],
            ])))
            state.add(df + [0x5049], SimulatedTCOSFile(body: .records([
                [0xA0, 0x06, 0x83, 0x01, 0x81, 0x90, 0x01, 0x03],
                [0xA0, 0x06, 0x83, 0x01, 0x83, 0x90, 0x01, 0x03],
            ])))
            // Global PIN 0 (PUK) and 1 (NetKey PIN), local PIN 1 and 3 (signature PINs).
            state.addPIN(mf, number: 0, SimulatedTCOSPIN(Array("12345678".utf8)))
            state.addPIN(mf, number: 1, SimulatedTCOSPIN(Array("123456".utf8)))
            state.addPIN(df, number: 1, SimulatedTCOSPIN(Array("123456".utf8)))
            state.addPIN(df, number: 3, SimulatedTCOSPIN(Array("123456".utf8)))
        }

        static func addSlot(_ state: inout SimulatedTCOSState, _ slot: TCOSSlot) {
            let df = SimulatedTCOSState.mf + [slot.dfID]
            let pinNumber = slot.pinReference & 0x7F
            state.add(df, SimulatedTCOSFile(body: .directory(name: slot.dfName, children: [])))
            state.add(df + [slot.headerEF], SimulatedTCOSFile(
                body: .transparent(TCOSSlotHeader(slotKind: slot.kind).encoded()), read: .always, write: .pin(pinNumber)))
            state.add(df + [slot.payloadEF], SimulatedTCOSFile(
                body: .transparent(Array(repeating: 0, count: slot.payloadCapacity)),
                read: .pin(pinNumber), write: .pin(pinNumber)))
            state.addPIN(df, number: pinNumber, SimulatedTCOSPIN(TCOSSlot.transportPIN, puk: Array("12345678".utf8)))
        }
    }
}

/// The certificate in the reference card's DF01/C000 (0x335 bytes). The transcript shows the
/// first 52 bytes of each 256-byte READ BINARY (its lines are cut at 160 characters); those
/// are placed where the card had them and the unseen bytes are 00.
enum NetKeyCertificate {
    static let wrapperPrefix: [UInt8] = [0x30, 0x82, 0x03, 0x3A, 0x06, 0x03, 0x55, 0x04, 0x24]
    static let length = 0x335
    static let seen: [(Int, String)] = [
        (0x000, "3082033130820219A003020102021439F0AB1D6F41BD17153995999131FCBD5A0D28D8300D06092A864886F70D01010B05003028"),
        (0x100, "E14FF6FF61160E6F176BE8CD32F79BB3D09E7FFEC5B1D8730EE8BC140CA8A9C5A5A18B3E6A7FC2979EC9C2956CA8CBC9D4D095A8"),
        (0x200, "B3818BC81545B193C544C3B6C18A73BC300F0603551D130101FF040530030101FF300D06092A864886F70D01010B050003820101"),
        (0x300, "17A123F82E2111CBE48E8830ABE2D0BD642356BC851687A16B404EEA5F4E714D32D59AF5177EC76FEC12E4B5026ABF3B280BDCC9"),
    ]
    static let bytes: [UInt8] = {
        var out = [UInt8](repeating: 0, count: length)
        for (offset, text) in seen {
            let part = Hex.decode(text) ?? []
            out.replaceSubrange(offset..<(offset + part.count), with: part)
        }
        return out
    }()
}
