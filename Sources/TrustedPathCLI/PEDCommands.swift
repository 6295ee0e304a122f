import ArgumentParser
import CCID
import PED
import PEDAuth
import PEDProtocol
import Simulator
import TrustedPathCore

struct PEDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ped",
        abstract: "The PIN Entry Device: role login with PED keys, key initialisation, duplicates.",
        discussion: """
            With --simulate a simulated PED is used: a simulated operator inserts the PED keys and \
            types the PED PINs on it, unattended (key i's PIN is the digit i four times). \
            --fault makes the simulated PED misbehave: hang, garbage, late, corrupt, disappear.
            """,
        subcommands: [Info.self, Login.self, InitKey.self, Duplicate.self])

    struct Options: ParsableArguments {
        @Flag(help: "Use the simulated PED and keys.") var simulate = false
        @Option(help: "A real PED: VID:PID[:SERIAL] or BUS:ADDRESS.") var ped = "1209:7e50"
        @Option(help: "The HSM's firmware version.") var hsmFirmware = "7.8.0"
        @Option(help: "The simulated PED's firmware version.") var pedFirmware = "2.9.0"
        @Option(help: "Key-activity timeout in seconds (200 to 600).") var keyTimeout = 200
        @Option(help: "Make the simulated PED misbehave on the next operation: hang, garbage, late, corrupt, disappear.")
        var fault: String?
        @Option(help: "Record the USB conversation as a usbmon capture (PED key secrets redacted).") var record: String?
    }

    struct RoleOptions: ParsableArguments {
        @Option(help: "so, partition-so, domain, rpv, auditor, co, cu, lco.") var role = "so"
        @Option(help: "Keys needed (M).") var m = 1
        @Option(help: "Keys in the set (N).") var n: Int?

        func parsed() throws -> (PEDRole, MofN) {
            guard let role = PEDRole(name: role) else {
                throw ValidationError("unknown role \(self.role): use " + PEDRole.allCases.map(\.name).joined(separator: ", "))
            }
            do { return (role, try MofN(m: m, n: n ?? m)) } catch {
                throw ValidationError("M of N must be 1 <= M <= N <= 16: \(error.detail)")
            }
        }
    }

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The PED's firmware, power source and compatibility with the HSM.")
        @OptionGroup var options: Options
        @Flag(help: "One JSON object: serial, firmware, power, hsmFirmware, compatible.") var json = false

        func run() async throws {
            let station = try await PEDStation.open(options)
            let id: PEDIdentity
            do { id = try await station.driver.connect() } catch {
                await station.finish()
                throw CLIError(error.description)
            }
            let power = id.power == .usbBus ? "usbBus" : "external"
            if json {
                print(JSONValue.object([("serial", .string(id.serial)), ("firmware", .string("\(id.firmware)")),
                                        ("power", .string(power)), ("hsmFirmware", .string(options.hsmFirmware)),
                                        ("compatible", .bool(true))]).rendered)
            } else {
                print("PED \(id.serial): firmware \(id.firmware), \(id.power == .usbBus ? "USB bus-powered" : "externally powered")")
                print("HSM firmware \(options.hsmFirmware): compatible")
            }
            await station.finish()
        }
    }

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log a role in with M of its N PED keys.")
        @OptionGroup var options: Options
        @OptionGroup var roleOptions: RoleOptions
        @Option(help: "Simulated: keys the operator presents, in order (default 1...M); 0 is a black key.")
        var present: String?
        @Flag(help: "Simulated: the operator types a wrong PED PIN for the first key.") var wrongPIN = false

        func run() async throws {
            let (role, policy) = try roleOptions.parsed()
            let station = try await PEDStation.open(options)
            // A real PED hands the role's secret to the HSM, which alone can check it: this
            // tool has nothing to compare it with, and says so rather than "logged in".
            var verify: @Sendable (SecretBytes) -> Bool = { _ in true }
            let verified = station.simulated != nil
            if station.simulated != nil {
                let secret = try await station.prepareKeySet(role: role, policy: policy)
                verify = { secret.constantTimeEquals($0) }
                try await scriptLogin(station, role: role, policy: policy)
                try await applyFault(options.fault, to: station)
            }
            print("Login: \(role), \(policy) \(role.colour) key(s)")
            let login: RoleAuthenticator.Login
            do { login = try await station.auth.login(role: role, policy: policy, verify: verify) } catch {
                await station.finish()
                throw CLIError(error.description)
            }
            await station.finish()
            let keys = login.keys.map(\.description).joined(separator: ", ")
                + (login.duplicatesIgnored > 0 ? " (\(login.duplicatesIgnored) repeated key(s) did not count)" : "")
            print(verified ? "\(role) logged in with keys \(keys)"
                           : "\(role): the PED read the role's secret from keys \(keys); only the HSM can check it")
        }

        private func scriptLogin(_ station: PEDStation, role: PEDRole, policy: MofN) async throws {
            var order = Array(1...UInt64(policy.m))
            if let present {
                let parsed = present.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
                guard !parsed.isEmpty, parsed.allSatisfy({ $0 <= UInt64(policy.n) }) else {
                    throw ValidationError("--present lists key numbers 0 to N, comma-separated")
                }
                order = parsed
            }
            if order.contains(0), let ped = station.simulated {
                // Key 0: a black (crypto officer) key from another drawer.
                await ped.addBlankKeys([900])
                await ped.perform([.insert(900), .pin("9000"), .pin("9000")])
                do { _ = try await station.auth.initialize(role: .cryptoOfficer, policy: .single) } catch {
                    throw CLIError(error.description)
                }
            }
            var seen = Set<UInt64>()
            var actions: [PEDAction] = []
            for (index, key) in order.enumerated() {
                let id = key == 0 ? 900 : key
                actions.append(.insert(id))
                // The PED asks no PIN for a key that already counted, or for a wrong-colour key.
                guard key != 0, seen.insert(key).inserted else { continue }
                actions.append(.pin(wrongPIN && index == 0 ? "0000" : PEDStation.pin(key)))
            }
            await station.person(actions)
        }
    }

    struct InitKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init-key",
            abstract: "Make a new secret for a role and write it M of N to PED keys, each with a new PED PIN.")
        @OptionGroup var options: Options
        @OptionGroup var roleOptions: RoleOptions
        @Option(help: "Extra copies of each key made now.") var duplicates = 0
        @Flag(help: "Copies made now get PED PINs of their own.") var ownPins = false
        @Option(help: "Simulated: the PED PIN the operator types for every key (4 to 48 digits).") var pin: String?

        func run() async throws {
            let (role, policy) = try roleOptions.parsed()
            guard (0...15).contains(duplicates) else { throw ValidationError("--duplicates is 0 to 15") }
            let station = try await PEDStation.open(options)
            if let ped = station.simulated {
                let count = UInt64(policy.n * (1 + duplicates))
                await ped.addBlankKeys(Array(1...count))
                var actions: [PEDAction] = []
                for split in 0..<UInt64(policy.n) {
                    let key = split + 1
                    let keyPIN = pin ?? PEDStation.pin(key)
                    actions += [.insert(key), .pin(keyPIN), .pin(keyPIN)]
                    for copy in 0..<UInt64(duplicates) {
                        let copyKey = UInt64(policy.n) + split * UInt64(duplicates) + copy + 1
                        actions.append(.insert(copyKey))
                        if ownPins { actions += [.pin(pin ?? PEDStation.pin(copyKey)), .pin(pin ?? PEDStation.pin(copyKey))] }
                    }
                }
                await station.person(actions)
                try await applyFault(options.fault, to: station)
            }
            for warning in policy.warnings { print("warning: \(warning)") }
            let set: RoleAuthenticator.KeySet
            do {
                set = try await station.auth.initialize(role: role, policy: policy, duplicates: duplicates, duplicatesOwnPIN: ownPins)
            } catch {
                await station.finish()
                throw CLIError(error.description)
            }
            await station.finish()
            print("\(role): \(policy) \(role.colour) key set \(set.set.map(\.description) ?? "?") written to keys "
                + set.keys.map(\.description).joined(separator: ", "))
        }
    }

    struct Duplicate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Copy a PED key to a blank one on the PED; the copy keeps the PIN.")
        @OptionGroup var options: Options
        @Option(help: "so, partition-so, domain, rpv, auditor, co, cu, lco.") var role = "so"

        func run() async throws {
            guard let role = PEDRole(name: role) else { throw ValidationError("unknown role \(self.role)") }
            let station = try await PEDStation.open(options)
            if let ped = station.simulated {
                _ = try await station.prepareKeySet(role: role, policy: .single)
                await ped.addBlankKeys([2])
                await station.person([.insert(1), .pin(PEDStation.pin(1)), .insert(2)])
                try await applyFault(options.fault, to: station)
            }
            let copy: (source: PEDKeyID, copy: PEDKeyID)
            do { copy = try await station.auth.duplicate(role: role) } catch {
                await station.finish()
                throw CLIError(error.description)
            }
            await station.finish()
            print("\(role) key \(copy.source) copied to key \(copy.copy); the copy keeps the PED PIN")
        }
    }
}

/// Arms a `--fault` on the simulated PED for the operation that follows.
private func applyFault(_ name: String?, to station: PEDStation) async throws {
    guard let name else { return }
    guard let ped = station.simulated else { throw ValidationError("--fault needs --simulate") }
    let fault: PEDFault
    switch name {
    case "hang": fault = .hang
    case "garbage": fault = .garbageFirst([0x00, 0x13, 0x50, 0x44, 0x09])
    case "late": fault = .lateReply
    case "corrupt": fault = .corruptReply
    case "disappear": fault = .disappear
    default: throw ValidationError("--fault is one of hang, garbage, late, corrupt, disappear")
    }
    print("[fault] the simulated PED will \(name == "late" ? "answer late" : name)")
    await ped.inject(fault)
}
