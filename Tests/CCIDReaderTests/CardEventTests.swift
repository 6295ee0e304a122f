@testable import CCIDReader
import Testing
import USBLink

@Suite struct CardEventTests {
    @Test func interruptNotificationsBecomeEventsPerSlot() async throws {
        let link = ScriptedLink([], interrupts: [
            [0x50, 0x03],               // slot 0: present, changed
            [0x50, 0x0D],               // slot 1 arrives too; slot 0 present, unchanged
            [0x50, 0x06],               // slot 0 removed; slot 1 unchanged
            [0x51, 0x01, 0x07, 0x01],   // overcurrent on slot 1
            [0x12, 0x34],               // malformed: dropped
        ], interruptEndpoint: 0x83)
        let reader = try makeReader(link, slots: 2)
        var events: [CCIDCardEvent] = []
        for await event in reader.cardEvents() { events.append(event) }
        #expect(events == [.inserted(slot: 0), .inserted(slot: 1), .removed(slot: 0),
                           .hardwareError(slot: 1, code: 0x01), .readerGone])
        // Listening to the interrupt endpoint sends nothing on the bulk pipe.
        #expect(await link.sent.isEmpty)
    }

    @Test func aRemovalAndReinsertionBetweenReportsIsBothEvents() async throws {
        let link = ScriptedLink([], interrupts: [[0x50, 0x03], [0x50, 0x03]], interruptEndpoint: 0x83)
        let reader = try makeReader(link)
        var events: [CCIDCardEvent] = []
        for await event in reader.cardEvents() { events.append(event) }
        #expect(events == [.inserted(slot: 0), .removed(slot: 0), .inserted(slot: 0), .readerGone])
    }

    @Test func withoutAnInterruptEndpointTheSlotsArePolled() async throws {
        let link = ScriptedLink([
            .out(getSlotStatus(seq: 0)), .reply(slotStatus(seq: 0, status: 0x02)),
            .out(getSlotStatus(seq: 1)), .reply(slotStatus(seq: 1, status: 0x01)),
            .out(getSlotStatus(seq: 2)), .reply(slotStatus(seq: 2, status: 0x41, error: 0xFE)),
            .out(getSlotStatus(seq: 3)), .reply(slotStatus(seq: 3, status: 0x42, error: 0xFE)),
        ])
        let reader = try makeReader(link)
        var events: [CCIDCardEvent] = []
        for await event in reader.cardEvents(pollingInterval: .milliseconds(1)) { events.append(event) }
        // Script exhausted: the fifth poll fails on the link and the stream ends.
        #expect(events == [.inserted(slot: 0), .removed(slot: 0), .readerGone])
    }
}
