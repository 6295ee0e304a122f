import PED
import PEDAuth
import PEDProtocol
import Simulator
import Testing
import TrustedPathCore

@Suite struct PEDLoginTests {
    @Test func handshakeReportsFirmware() async throws {
        let bench = PEDBench()
        let id = try await bench.driver.connect()
        #expect(id.firmware == FirmwareVersion(2, 9, 0) && id.power == .usbBus && id.serial == "SIMPED-0001")
    }

    @Test func unsupportedFirmwareIsRefused() async throws {
        let bench = PEDBench(firmware: FirmwareVersion(2, 7, 1), hsm: FirmwareVersion(7, 7, 0))
        do {
            try await bench.driver.connect()
            Issue.record("2.7.1 accepted by HSM 7.7.0")
        } catch {
            #expect(error.code == .unsupportedProtocol)
            #expect(error.description.contains("LUNA_RET_PED_UNSUPPORTED_PROTOCOL") && error.description.contains("2.7.4"))
        }
        #expect(await bench.ped.handled == [.hello])
    }

    @Test func singleKeyLogin() async throws {
        let bench = PEDBench()
        let (secret, keys) = try await bench.makeKeySet(role: .hsmSO, m: 1, n: 1)
        await bench.ped.perform([.insert(keys[0]), .pin(PEDBench.pin(0))])
        let login = try await bench.auth.login(role: .hsmSO, policy: .single, verify: PEDBench.verifier(secret))
        #expect(login.keys == [PEDKeyID(keys[0])] && login.duplicatesIgnored == 0)
    }

    @Test func threeOfFiveIgnoresTheSameKeyTwice() async throws {
        let bench = PEDBench()
        let (secret, keys) = try await bench.makeKeySet(role: .hsmSO, m: 3, n: 5)
        await bench.ped.perform([.insert(keys[4]), .pin(PEDBench.pin(4)), .insert(keys[4]),
                                 .insert(keys[1]), .pin(PEDBench.pin(1)), .insert(keys[2]), .pin(PEDBench.pin(2))])
        let login = try await bench.auth.login(role: .hsmSO, policy: try MofN(m: 3, n: 5), verify: PEDBench.verifier(secret))
        #expect(login.keys == [keys[4], keys[1], keys[2]].map(PEDKeyID.init))
        #expect(login.duplicatesIgnored == 1)
        #expect(await bench.ped.pendingActions.isEmpty)
    }

    @Test func onlyDuplicatesLeftFailsAsDuplicate() async throws {
        let bench = PEDBench()
        let (secret, keys) = try await bench.makeKeySet(role: .cryptoOfficer, m: 2, n: 3)
        await bench.ped.perform([.insert(keys[0]), .pin(PEDBench.pin(0)), .insert(keys[0])])
        await #expect(throws: PEDAuthError.self) {
            try await bench.auth.login(role: .cryptoOfficer, policy: try MofN(m: 2, n: 3), verify: PEDBench.verifier(secret))
        }
        await bench.ped.perform([.insert(keys[0]), .pin(PEDBench.pin(0)), .insert(keys[0])])
        let policy = try MofN(m: 2, n: 3)
        do {
            _ = try await bench.auth.login(role: .cryptoOfficer, policy: policy, verify: PEDBench.verifier(secret))
        } catch { #expect(error.ped?.code == .duplicateKey) }
    }

    @Test func wrongColourIsRefused() async throws {
        let bench = PEDBench()
        let (_, black) = try await bench.makeKeySet(role: .cryptoOfficer, m: 1, n: 1, first: 50)
        await bench.ped.perform([.insert(black[0])])
        do {
            _ = try await bench.auth.login(role: .hsmSO, policy: .single, verify: { _ in true })
            Issue.record("a black key logged in the SO")
        } catch {
            #expect(error.ped?.code == .wrongKeyColour)
            #expect(error.description.contains("black") && error.description.contains("blue"))
        }
    }

    @Test func wrongPINIsRefused() async throws {
        let bench = PEDBench()
        let (secret, keys) = try await bench.makeKeySet(role: .auditor, m: 1, n: 1)
        await bench.ped.perform([.insert(keys[0]), .pin("9999")])
        do {
            _ = try await bench.auth.login(role: .auditor, policy: .single, verify: PEDBench.verifier(secret))
            Issue.record("wrong PIN accepted")
        } catch {
            #expect(error.ped?.code == .wrongPIN)
            #expect(!error.description.contains("9999") && !error.description.contains(PEDBench.pin(0)))
        }
    }

    @Test func anotherHSMsKeysGiveTheWrongSecret() async throws {
        let bench = PEDBench()
        let (_, keys) = try await bench.makeKeySet(role: .hsmSO, m: 1, n: 1)
        await bench.ped.perform([.insert(keys[0]), .pin(PEDBench.pin(0))])
        do {
            _ = try await bench.auth.login(role: .hsmSO, policy: .single, verify: { _ in false })
            Issue.record("accepted")
        } catch { #expect(error.code == .wrongSecret) }
    }

    @Test func timeoutWhenNobodyComes() async throws {
        let bench = PEDBench()
        do {
            _ = try await bench.auth.login(role: .hsmSO, policy: .single, verify: { _ in true })
            Issue.record("accepted")
        } catch { #expect(error.ped?.code == .timeout) }
    }

    @Test func duplicatesAtCreationMayHaveOwnPINsAndLaterCopiesKeepThePIN() async throws {
        let bench = PEDBench()
        await bench.ped.addBlankKeys([1, 2, 3])
        await bench.ped.perform([.insert(1), .pin("1234"), .pin("1234"), .insert(2), .pin("5678"), .pin("5678")])
        let set = try await bench.auth.initialize(role: .cloningDomain, policy: .single, duplicates: 1, duplicatesOwnPIN: true)
        #expect(set.keys == [PEDKeyID(1), PEDKeyID(2)])
        #expect(set.warnings == [.allKeysNeeded])
        // The duplicate opens with its own PIN.
        await bench.ped.perform([.insert(2), .pin("5678")])
        _ = try await bench.auth.login(role: .cloningDomain, policy: .single, verify: PEDBench.verifier(set.secret))
        // A later copy of key 2 keeps key 2's PIN.
        await bench.ped.perform([.insert(2), .pin("5678"), .insert(3)])
        let copy = try await bench.auth.duplicate(role: .cloningDomain)
        #expect(copy.source == PEDKeyID(2) && copy.copy == PEDKeyID(3))
        await bench.ped.perform([.insert(3), .pin("5678")])
        _ = try await bench.auth.login(role: .cloningDomain, policy: .single, verify: PEDBench.verifier(set.secret))
    }

    @Test func pinRulesAtCreation() async throws {
        let bench = PEDBench()
        await bench.ped.addBlankKeys([1])
        await bench.ped.perform([.insert(1), .pin("123"), .pin("123")])
        do { _ = try await bench.auth.initialize(role: .hsmSO, policy: .single) } catch { #expect(error.ped?.code == .pinRule) }
        await bench.ped.perform([.insert(1), .pin("1234"), .pin("1235")])
        do { _ = try await bench.auth.initialize(role: .hsmSO, policy: .single) } catch { #expect(error.ped?.code == .pinMismatch) }
        #expect(await bench.ped.key(1)?.isBlank == true)
    }

    @Test func aKeyHoldingASecretIsOnlyOverwrittenWhenAllowed() async throws {
        let bench = PEDBench()
        let (_, keys) = try await bench.makeKeySet(role: .hsmSO, m: 1, n: 1)
        await bench.ped.perform([.insert(keys[0])])
        do { _ = try await bench.auth.initialize(role: .hsmSO, policy: .single) } catch { #expect(error.ped?.code == .keyNotBlank) }
        await bench.ped.perform([.insert(keys[0]), .yes, .pin("4321"), .pin("4321")])
        let set = try await bench.auth.initialize(role: .hsmSO, policy: .single, overwrite: true)
        await bench.ped.perform([.insert(keys[0]), .pin("4321")])
        _ = try await bench.auth.login(role: .hsmSO, policy: .single, verify: PEDBench.verifier(set.secret))
    }

    @Test func sharedKeySetOpensBothPartitions() async throws {
        let bench = PEDBench()
        let (secret, keys) = try await bench.makeKeySet(role: .partitionSO, m: 2, n: 2)
        await bench.ped.perform([.insert(keys[0]), .pin(PEDBench.pin(0)), .insert(keys[1]), .pin(PEDBench.pin(1))])
        let shared = try await bench.auth.share(role: .partitionSO, policy: try MofN(m: 2, n: 2))
        #expect(shared.shared && shared.secret.constantTimeEquals(secret))
    }

    @Test func orangeCopyOnAnOldPEDIsRefused() async throws {
        let bench = PEDBench(firmware: FirmwareVersion(2, 7, 1), hsm: FirmwareVersion(7, 6, 0))
        do {
            _ = try await bench.auth.duplicate(role: .remotePEDVector)
            Issue.record("copied")
        } catch {
            #expect(error.ped?.code == .invalidRequest && error.description.contains("2.7.4"))
        }
    }

    @Test func keyActivityTimeoutRange() {
        #expect(throws: PEDError.self) { try PEDTimeouts(keyActivitySeconds: 199) }
        #expect(throws: PEDError.self) { try PEDTimeouts(keyActivitySeconds: 601) }
        #expect(PEDTimeouts.standard.keyActivitySeconds == 200)
    }
}

@Suite struct PEDLimitsTests {
    @Test func aWriteOfTooManyKeysIsRefusedBeforeTheLink() async throws {
        let bench = PEDBench()
        do {
            _ = try await bench.driver.writeSecret(role: .hsmSO, policy: try MofN(m: 2, n: 16),
                                                   options: PEDWriteOptions(duplicates: 3), secret: SecretBytes([1]))
            Issue.record("accepted")
        } catch let error as PEDError {
            #expect(error.code == .invalidRequest && error.description.contains("48"))
        }
        #expect(await bench.ped.handled.isEmpty)
    }

    @Test func longPromptLinesAreCut() async throws {
        let bench = PEDBench()
        try await bench.driver.showPrompt(Array(repeating: String(repeating: "x", count: 300), count: 6))
        #expect(await bench.ped.display.history.last?.count == 4)
    }
}
