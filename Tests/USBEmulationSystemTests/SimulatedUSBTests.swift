import Foundation
import Testing
import TestSupport

/// The simulated reader on the real USB stack (`trustedpath simulate usb -- COMMAND`): Debian's
/// pcscd with libccid, pyscard and OpenSC drive it as hardware, and so does our own host through
/// the real libusb. Each test runs the built CLI, so what is checked is what an operator runs.
@Suite(.serialized) struct SimulatedUSBTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized
    static let part10 = root.appendingPathComponent("Tests/USBEmulationSystemTests/Fixtures/part10.py").path
    static let withPCSCD = root.appendingPathComponent("scripts/with-pcscd").path
    static var trustedpath: String { CommandRunner.productsDirectory.appendingPathComponent("trustedpath").path }

    /// `simulate usb [options] -- COMMAND`, in a fresh HOME.
    static func simulate(_ options: [String], _ command: [String]) throws -> CommandRunner.Result {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("tp-usb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return try CommandRunner.run(["simulate", "usb"] + options + ["--"] + command,
                                     environment: ["HOME": home.path], timeout: .seconds(90))
    }

    /// COMMAND beside a private pcscd that serves USB readers with libccid (scripts/with-pcscd).
    static func throughPCSCD(_ options: [String], _ command: [String]) throws -> CommandRunner.Result {
        try simulate(options, ["env", "WITH_PCSCD_USB=1", withPCSCD] + command)
    }

    // MARK: The reference host: pcscd, libccid, pyscard, OpenSC

    @Test func pcscdWithLibccidFindsThePINPadAndOpenSCKnowsTheTCOSCard() throws {
        let result = try Self.throughPCSCD([], ["sh", "-c", "opensc-tool -l; opensc-tool -a; opensc-tool -n; pkcs15-tool -D"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("PIN pad   REINER SCT cyberJack go (TP0504000001) 00 00"), "\(result.stdout)")
        #expect(result.stdout.contains("3b:bf:96:00:81:31:fe:5d:00:64:04:11:03:01:31:c0:73:f7:01:d0:00:90:00:7d"))
        #expect(result.stdout.contains("TCOS"), "OpenSC's TCOS driver recognises the card: \(result.stdout)")
        #expect(result.stdout.contains("TeleSec GmbH"), "pkcs15-tool reads the card's PKCS#15 data: \(result.stdout)")
    }

    @Test(arguments: [("123456,ok", "sw 9000"), ("111111,ok", "sw 63c2"), ("timeout", "sw 6400"), ("cancel", "sw 6401")])
    func part10VerifyPINDirectReachesTheKeypad(keys: String, answer: String) throws {
        let result = try Self.throughPCSCD(["--keys", keys], ["/usr/bin/python3", Self.part10, "verify"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("features 06 07 0a 12"), "verify, modify, IFD PIN properties, tag 12: \(result.stdout)")
        #expect(result.stdout.contains(answer), "\(keys): \(result.stdout) \(result.stderr)")
    }

    /// The SPR532 exchanges TPDUs: libccid's SecurePINVerify fills bTeoPrologue for the T=1
    /// card, and our host does the same through libusb.
    @Test func aTPDULevelPINPadServesLibccidAndOurHost() throws {
        for (keys, answer) in [("123456,ok", "sw 9000"), ("111111,ok", "sw 63c2")] {
            let result = try Self.throughPCSCD(["--reader", "spr532", "--keys", keys], ["/usr/bin/python3", Self.part10, "verify"])
            #expect(result.stdout.contains(answer), "\(keys): \(result.stdout) \(result.stderr)")
        }
        let ours = try Self.simulate(["--reader", "spr532", "--keys", "123456,ok"],
                                     [Self.trustedpath, "card", "verify", "--slot", "share", "--reader", "04e6:e003"])
        #expect(ours.status == 0, "\(ours.stdout) \(ours.stderr)")
        #expect(ours.stdout.contains("PIN verified: backup key share slot"), "\(ours.stdout)")
    }

    @Test func part10ModifyPINDirectChangesThePINThatLasts() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tp-usb-card-\(UUID().uuidString)").path
        let change = try Self.throughPCSCD(["--card-state", state, "--keys", "123456,ok,654321,ok,654321,ok"],
                                           ["/usr/bin/python3", Self.part10, "modify"])
        #expect(change.stdout.contains("sw 9000"), "\(change.stdout) \(change.stderr)")
        let wrongOld = try Self.throughPCSCD(["--card-state", state, "--keys", "123456,ok,111111,ok,111111,ok"],
                                             ["/usr/bin/python3", Self.part10, "modify"])
        #expect(wrongOld.stdout.contains("sw 63c2"), "the old PIN no longer works: \(wrongOld.stdout)")
        let verify = try Self.throughPCSCD(["--card-state", state, "--keys", "654321,ok"],
                                           ["/usr/bin/python3", Self.part10, "verify"])
        #expect(verify.stdout.contains("sw 9000"), "the new PIN does, and a right PIN resets the counter: \(verify.stdout)")
    }

    // MARK: Our PC/SC path through pcscd and libccid

    @Test func cardVerifyThroughPCSCUsesTheKeypadThatLibccidDrives() throws {
        let right = try Self.throughPCSCD(["--keys", "123456,ok"],
                                          [Self.trustedpath, "card", "verify", "--slot", "share", "--pcsc", "REINER SCT cyberJack go"])
        #expect(right.status == 0, "\(right.stdout) \(right.stderr)")
        #expect(right.stdout.contains("PIN verified: backup key share slot"), "\(right.stdout)")
        let wrong = try Self.throughPCSCD(["--keys", "111111,ok"],
                                          [Self.trustedpath, "card", "verify", "--slot", "share", "--pcsc", "REINER SCT cyberJack go"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("wrong PIN; 2 tries left"), "\(wrong.stderr)")
    }

    // MARK: Our host through the real libusb

    @Test func devicesListsTheReaderAndNotTheRootHubAboveIt() throws {
        let result = try Self.simulate([], [Self.trustedpath, "devices"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("reader 0c4b:0504 bus 1 device 2 cyberJack go (interface class 0x0B)"), "\(result.stdout)")
        #expect(!result.stdout.contains("1d6b:0002"), "the root hub holds the reader's port, it is not a reader: \(result.stdout)")
    }

    @Test func cardStatusAndVerifyThroughLibusb() throws {
        let status = try Self.simulate([], [Self.trustedpath, "card", "status", "--reader", "0c4b:0504"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("backup key share slot (share): PIN 3 tries left"), "\(status.stdout)")
        for (keys, expected) in [("123456,ok", "PIN verified"), ("111111,ok", "wrong PIN; 2 tries left"),
                                 ("cancel", "PIN entry was cancelled on the reader's keypad")] {
            let result = try Self.simulate(["--keys", keys], [Self.trustedpath, "card", "verify", "--slot", "share",
                                                               "--reader", "0c4b:0504"])
            #expect((result.stdout + result.stderr).contains(expected), "\(keys): \(result.stdout) \(result.stderr)")
        }
    }

    @Test func ceremonyCreateAndRestoreThroughLibusb() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tp-usb-ceremony-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let backup = folder.appendingPathComponent("backup.txt").path, journal = folder.appendingPathComponent("ceremony.json").path
        try Data("appliance partition backup\n".utf8).write(to: URL(fileURLWithPath: backup))
        let cards = folder.appendingPathComponent("cards").path
        // Written 1, 2, 3, then read back from 1 and 2 before the key is adopted.
        let create = try Self.simulate(["--cards-dir", cards, "--cards", "1,2,3,1,2"],
                                       [Self.trustedpath, "ceremony", "create", "--quorum", "2/3", "--reader", "0c4b:0504",
                                        "--journal", journal, "--encrypt", backup, "--encrypted", backup + ".tpbk"])
        #expect(create.status == 0, "\(create.stdout) \(create.stderr)")
        #expect(create.stdout.contains("read back and checked: share 1"), "\(create.stdout)")
        let restore = try Self.simulate(["--cards-dir", cards, "--cards", "3,1"],
                                        [Self.trustedpath, "ceremony", "restore", "--reader", "0c4b:0504", "--journal", journal,
                                         "--decrypt", backup + ".tpbk", "--output", backup + ".restored"])
        #expect(restore.status == 0, "\(restore.stdout) \(restore.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: backup + ".restored")) == Data(contentsOf: URL(fileURLWithPath: backup)))
    }

    @Test func anEmptySlotIsSaidInTheOperatorsWords() throws {
        let result = try Self.simulate(["--no-card"], [Self.trustedpath, "card", "status", "--reader", "0c4b:0504"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("error: no card in the reader (it was taken out, or not inserted): insert the card"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("PC_to_RDR"), "no CCID wording in the operator's error: \(result.stderr)")
    }

    @Test func theCommandsExitStatusIsTheRunsAndTheSimulationSaysSo() throws {
        let result = try Self.simulate([], ["sh", "-c", "exit 7"])
        #expect(result.status == 7)
        #expect(result.stderr.hasPrefix("SIMULATION:"), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "the command owns standard output")
    }

    @Test func badRequestsAreRefusedBeforeAnythingRuns() throws {
        let noCommand = try CommandRunner.run(["simulate", "usb"])
        #expect(noCommand.status == 64)
        #expect(noCommand.stderr.contains("no COMMAND"), "\(noCommand.stderr)")
        let badReader = try CommandRunner.run(["simulate", "usb", "--reader", "acme", "--", "true"])
        #expect(badReader.stderr.contains("choose one of cyberjack-go"), "\(badReader.stderr)")
        let badKeys = try CommandRunner.run(["simulate", "usb", "--keys", "12a", "--", "true"])
        #expect(badKeys.stderr.contains("--keys: use digits"), "\(badKeys.stderr)")
        let help = try CommandRunner.run(["simulate", "usb", "--help"])
        #expect(help.status == 0 && help.stdout.contains("emulated USB bus"), "--help is help, not a COMMAND: \(help.stderr)")
        let noProgram = try CommandRunner.run(["simulate", "usb", "--", "no-such-program-here"])
        #expect(noProgram.stderr.contains("not a program found in PATH"), "\(noProgram.stderr)")
    }

    @Test func withPCSCDRefusesUSBReadersOutsideTheEmulatedBus() throws {
        let result = try CommandRunner.run([Self.withPCSCD, "true"], executable: URL(fileURLWithPath: "/usr/bin/env"),
                                           environment: ["WITH_PCSCD_USB": "1", "UMOCKDEV_DIR": "", "LD_PRELOAD": ""])
        #expect(result.status == 2)
        #expect(result.stderr.contains("only under trustedpath simulate usb"), "\(result.stderr)")
    }
}
