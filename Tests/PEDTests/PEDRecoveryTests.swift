import PED
import PEDAuth
import PEDProtocol
import Power
import Simulator
import Testing
import TrustedPathCore

/// Faults of the simulated PED and the driver's answers to them: the recovery ladder against
/// the simulated PED's own DeviceRecovery (the umockdev tier of the real one is elsewhere).
@Suite struct PEDRecoveryTests {
    @Test func aHungPEDIsPowerCycledAndTheLoginResumes() async throws {
        let bench = PEDBench()
        let (secret, keys) = try await bench.makeKeySet(role: .hsmSO, m: 1, n: 1)
        await bench.ped.inject(.hang)
        await bench.ped.perform([.insert(keys[0]), .pin(PEDBench.pin(0))])
        let login = try await bench.auth.login(role: .hsmSO, policy: .single, verify: PEDBench.verifier(secret))
        #expect(login.keys == [PEDKeyID(keys[0])])
        let outcome = try #require(await bench.driver.recoveries.last)
        #expect(outcome.attempts.map(\.step) == [.usbReset, .reauthorize, .portPowerCycle])
        guard case .recovered(by: .portPowerCycle, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(await bench.ped.boots == 2)
    }

    @Test func anExternallyPoweredPEDNeedsAReplug() async throws {
        let bench = PEDBench(firmware: FirmwareVersion(2, 7, 4))
        try await bench.driver.connect()
        await bench.ped.inject(.hang)
        do {
            try await bench.driver.showPrompt(["hello"])
            Issue.record("answered")
        } catch {
            #expect(error.code == .notAnswering)
            #expect(error.description.contains("externally powered") && error.description.contains("unplug"))
            guard case .replugRequired(let attempts) = error.recovery else { Issue.record("no replug"); return }
            #expect(attempts.last?.result == .notPossible(
                "the PED (firmware 2.7.4) is externally powered: port power does not reach it"))
        }
        #expect(await bench.driver.notices.contains { $0.hasPrefix("externally powered") })
    }

    @Test func aVanishedPEDFailsCleanlyWithTheReplugMessage() async throws {
        let bench = PEDBench()
        try await bench.driver.connect()
        await bench.ped.inject(.disappear)
        do {
            _ = try await bench.auth.login(role: .hsmSO, policy: .single, verify: { _ in true })
            Issue.record("answered")
        } catch {
            #expect(error.ped?.code == .notAnswering)
            #expect(error.description.contains("did not complete") && error.description.contains("plug it in again"))
        }
        await bench.ped.replug()
        try await bench.driver.keepAlive()
    }

    @Test func garbageBeforeTheReplyIsSkipped() async throws {
        let bench = PEDBench()
        try await bench.driver.connect()
        await bench.ped.inject(.garbageFirst([0x13, 0x50, 0x44, 0x07, 0xFF]))
        try await bench.driver.showPrompt(["after garbage"])
        #expect(await bench.ped.display.current.first == "after garbage")
    }

    @Test func aDamagedReplyIsAskedForAgain() async throws {
        let bench = PEDBench()
        let (secret, keys) = try await bench.makeKeySet(role: .cryptoUser, m: 1, n: 1)
        await bench.ped.inject(.corruptReply)
        await bench.ped.perform([.insert(keys[0]), .pin(PEDBench.pin(0))])
        _ = try await bench.auth.login(role: .cryptoUser, policy: .single, verify: PEDBench.verifier(secret))
        // The PED answered the repeat from its last reply, not by reading the key again.
        #expect(await bench.ped.handled.filter { $0 == .readSecret }.count == 1)
    }

    @Test func aLateReplyIsTakenAndItsStaleSuccessorDropped() async throws {
        let bench = PEDBench()
        try await bench.driver.connect()
        await bench.ped.inject(.lateReply)
        try await bench.driver.showPrompt(["late"])
        try await bench.driver.showPrompt(["next"])
        #expect(await bench.driver.staleReplies == 1)
        #expect(await bench.driver.recoveries.isEmpty)
    }

    @Test func aSplitReplyIsReassembled() async throws {
        let bench = PEDBench()
        try await bench.driver.connect()
        await bench.ped.inject(.split(packetSize: 3))
        try await bench.driver.showPrompt(["split"])
    }

    @Test func theDriverPowerCyclesThePEDAfterAnHSMReset() async throws {
        let bench = PEDBench()
        try await bench.driver.connect()
        await bench.ped.hsmDidReset()
        let note = try await bench.driver.hsmDidReset()
        #expect(note.contains("power-cycled"))
        #expect(await bench.ped.recoverySteps == [.portPowerCycle])
        #expect(await bench.ped.boots == 2)
        try await bench.driver.keepAlive()
    }

    @Test func afterAnHSMResetAnExternallyPoweredPEDIsNotCycled() async throws {
        let bench = PEDBench(firmware: FirmwareVersion(2, 7, 4))
        try await bench.driver.connect()
        let note = try await bench.driver.hsmDidReset()
        #expect(note.contains("externally powered"))
        #expect(await bench.ped.recoverySteps.isEmpty)
    }

    @Test func noRecoveryConfiguredSaysSo() async throws {
        let ped = SimulatedPED()
        let driver = PEDDriver(link: ped, hsmFirmware: FirmwareVersion(7, 8, 0), timeouts: PEDBench.quick)
        try await driver.connect()
        await ped.inject(.hang)
        do {
            try await driver.showPrompt(["x"])
            Issue.record("answered")
        } catch {
            #expect(error.code == .notAnswering && error.description.contains("no recovery"))
        }
    }

    @Test func aPEDBlankAtPowerUpIsRecoveredOnConnect() async throws {
        let bench = PEDBench()
        await bench.ped.inject(.hang)
        let id = try await bench.driver.connect()
        #expect(id.firmware == FirmwareVersion(2, 9, 0))
        #expect(await bench.ped.recoverySteps == [.usbReset, .reauthorize, .portPowerCycle])
    }

    @Test func cancelOnThePEDKeypadEndsTheLogin() async throws {
        let bench = PEDBench()
        let (_, keys) = try await bench.makeKeySet(role: .hsmSO, m: 2, n: 2)
        await bench.ped.perform([.insert(keys[0]), .cancel])
        do {
            _ = try await bench.auth.login(role: .hsmSO, policy: try MofN(m: 2, n: 2), verify: { _ in true })
            Issue.record("logged in")
        } catch let error as PEDAuthError {
            #expect(error.ped?.code == .cancelled)
        }
    }

    @Test func aHostCancelIsAnsweredAndItsReplyDroppedAsStale() async throws {
        let bench = PEDBench()
        try await bench.driver.connect()
        try await bench.driver.cancel()
        try await bench.driver.keepAlive()
        #expect(await bench.ped.handled == [.hello, .cancel, .keepAlive])
        #expect(await bench.driver.staleReplies == 1)
    }

    @Test func anIdleSessionsWatchFindsAHungPEDAndRecoversIt() async throws {
        let bench = PEDBench()
        try await bench.driver.connect()
        await bench.ped.hsmDidReset()
        let watch = Task { try await bench.driver.watch() }
        // A bound so a broken watch fails the test instead of hanging the run.
        for _ in 0..<1_000 where await bench.driver.recoveries.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        watch.cancel()
        _ = await watch.result
        guard case .recovered(by: .portPowerCycle, _) = await bench.driver.recoveries.first else {
            Issue.record("not recovered by the port power cycle"); return
        }
        try await bench.driver.keepAlive()
    }
}
