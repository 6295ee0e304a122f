import PED
import PEDAuth
import PEDProtocol
import Power
import Simulator
import TrustedPathCore
import USBLink

/// A simulated PED on the bench, the driver talking to it, and helpers to make key sets.
struct PEDBench {
    let ped: SimulatedPED
    let driver: PEDDriver
    var auth: RoleAuthenticator { RoleAuthenticator(driver: driver) }

    // Short enough to keep hang tests quick, long enough that a loaded machine never makes
    // the in-process simulated PED look hung.
    static let quick = try! PEDTimeouts(keepAliveInterval: .milliseconds(300), keepAliveReply: .milliseconds(500),
                                        shortReply: .seconds(2))

    init(firmware: FirmwareVersion = FirmwareVersion(2, 9, 0), hsm: FirmwareVersion = FirmwareVersion(7, 8, 0),
         link: (@Sendable (SimulatedPED) -> any USBLink)? = nil) {
        let ped = SimulatedPED(firmware: firmware)
        self.ped = ped
        let wrap = link ?? { $0 }
        driver = PEDDriver(link: wrap(ped), hsmFirmware: hsm, recovery: SimulatedPEDRecovery(ped: ped),
                           reopen: { try await ped.reopen(); return wrap(ped) }, timeouts: PEDBench.quick)
    }

    /// Writes a key set for `role` on keys `first...` with PINs "1111", "2222", ...; returns
    /// the role's secret and the key serials.
    func makeKeySet(role: PEDRole, m: Int, n: Int, first: UInt64 = 1) async throws -> (secret: SecretBytes, keys: [UInt64]) {
        let ids = (0..<UInt64(n)).map { first + $0 }
        await ped.addBlankKeys(ids)
        var actions: [PEDAction] = []
        for (i, id) in ids.enumerated() {
            let pin = Self.pin(i)
            actions += [.insert(id), .pin(pin), .pin(pin)]
        }
        await ped.perform(actions)
        let set = try await auth.initialize(role: role, policy: try MofN(m: m, n: n))
        return (set.secret, ids)
    }

    static func pin(_ index: Int) -> String { String(repeating: String(index + 1), count: 4) }

    static func verifier(_ secret: SecretBytes) -> @Sendable (SecretBytes) -> Bool {
        { secret.constantTimeEquals($0) }
    }
}
