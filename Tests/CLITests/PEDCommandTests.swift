import Foundation
import Testing
import TestSupport

/// `trustedpath ped ... --simulate`: what the output says, and non-zero exits for bad input
/// and faults that cannot be recovered.
@Suite struct PEDCommandTests {
    @Test func loginThreeOfFiveWithARepeatedKey() throws {
        let result = try CommandRunner.run(["ped", "login", "--role", "so", "--m", "3", "--n", "5", "--simulate",
                                            "--present", "1,1,4,5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("HSM SO logged in with keys 0000000000000001, 0000000000000004, 0000000000000005"))
        #expect(result.stdout.contains("1 repeated key(s) did not count"))
    }

    @Test func loginRecoversAHungPED() throws {
        let result = try CommandRunner.run(["ped", "login", "--role", "co", "--simulate", "--fault", "hang"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("port-power-cycle: answered"))
        #expect(result.stdout.contains("crypto officer logged in"))
    }

    /// Without --simulate it looks for a real PED (vendor-class bulk interface) by its ID; a
    /// bus address nothing sits at names itself, and the way out.
    @Test func noRealPEDAttachedSaysSoAndHowToGoOn() throws {
        let result = try CommandRunner.run(["ped", "info", "--ped", "255:127"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no PED 255:127 is attached") && result.stderr.contains("--simulate"),
                "\(result.stderr)")
    }

    @Test func anExternallyPoweredPEDThatHangsAsksForAReplug() throws {
        let result = try CommandRunner.run(["ped", "login", "--simulate", "--ped-firmware", "2.7.4", "--fault", "hang"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("externally powered") && result.stderr.contains("unplug its power supply"))
    }

    @Test func wrongColourWrongPINAndUnsupportedFirmwareFail() throws {
        let colour = try CommandRunner.run(["ped", "login", "--simulate", "--present", "0"])
        #expect(colour.status != 0 && colour.stderr.contains("PED_WRONG_KEY_COLOUR"))
        let pin = try CommandRunner.run(["ped", "login", "--simulate", "--wrong-pin"])
        #expect(pin.status != 0 && pin.stderr.contains("PED_WRONG_PIN"))
        let firmware = try CommandRunner.run(["ped", "info", "--simulate", "--ped-firmware", "2.7.1", "--hsm-firmware", "7.7.0"])
        #expect(firmware.status != 0 && firmware.stderr.contains("LUNA_RET_PED_UNSUPPORTED_PROTOCOL"))
    }

    @Test func initKeyWarnsAndDuplicateKeepsThePIN() throws {
        let initKey = try CommandRunner.run(["ped", "init-key", "--role", "auditor", "--m", "2", "--n", "2", "--simulate",
                                             "--duplicates", "1", "--own-pins"])
        #expect(initKey.status == 0, "\(initKey.stderr)")
        #expect(initKey.stdout.contains("warning: M = N"))
        #expect(initKey.stdout.contains("written to keys 0000000000000001, 0000000000000002, 0000000000000003, 0000000000000004"))
        let duplicate = try CommandRunner.run(["ped", "duplicate", "--role", "domain", "--simulate"])
        #expect(duplicate.status == 0, "\(duplicate.stderr)")
        #expect(duplicate.stdout.contains("copied to key 0000000000000002; the copy keeps the PED PIN"))
    }

    @Test func badArgumentsExitNonZero() throws {
        #expect(try CommandRunner.run(["ped", "login", "--simulate", "--m", "4", "--n", "3"]).status != 0)
        #expect(try CommandRunner.run(["ped", "login", "--simulate", "--role", "king"]).status != 0)
        #expect(try CommandRunner.run(["ped", "login", "--simulate", "--key-timeout", "100"]).status != 0)
        #expect(try CommandRunner.run(["ped", "init-key", "--simulate", "--pin", "12"]).stderr.contains("4 to 48 digits"))
    }
}

@Suite struct PEDCommandFaultTests {
    @Test(arguments: ["garbage", "late", "corrupt"])
    func aMisbehavingPEDStillLogsIn(_ fault: String) throws {
        let result = try CommandRunner.run(["ped", "login", "--simulate", "--fault", fault])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("HSM SO logged in"))
    }

    @Test func aVanishedPEDFailsWithTheReplugMessage() throws {
        let result = try CommandRunner.run(["ped", "login", "--simulate", "--fault", "disappear"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("did not complete") && result.stderr.contains("plug it in again"))
    }

    /// The narration and errors never show a PED PIN (key 1's is 1111).
    @Test func noPINInTheOutput() throws {
        for arguments in [["ped", "login", "--simulate"], ["ped", "login", "--simulate", "--wrong-pin"]] {
            let result = try CommandRunner.run(arguments)
            #expect(!result.stdout.contains("1111") && !result.stderr.contains("1111"))
        }
    }
}
