import CCIDReader
import Testing

/// The daemon's reader probe: one GetSlotStatus; any well-formed answer with its bSeq is
/// "answers", silence and garbage are not.
@Suite struct ReaderHealthCheckTests {
    @Test func anAnswerIsHealthyWhateverTheSlotHolds() async {
        for answer in [slotStatus(seq: 0, status: 0x02), slotStatus(seq: 0, status: 0x40, error: 0xFE)] {
            let link = ScriptedLink([.out(getSlotStatus(seq: 0)), .reply(answer)])
            #expect(await ReaderHealthCheck().answers(link), "\(hex(answer))")
            #expect(await link.remaining == 0)
        }
    }

    @Test func answersLeftFromAnEarlierSessionAreDropped() async {
        let link = ScriptedLink([
            .out(getSlotStatus(seq: 0)),
            .reply(dataBlock(seq: 7, [0x90, 0x00])),
            .reply(slotStatus(seq: 0, status: 0x01)),
        ])
        #expect(await ReaderHealthCheck().answers(link))
        #expect(await link.remaining == 0)
    }

    @Test func silenceGarbageAndEndlessStaleAnswersAreNot() async {
        let silent = ScriptedLink([.out(getSlotStatus(seq: 0)), .silence])
        #expect(!(await ReaderHealthCheck().answers(silent)))
        let garbage = ScriptedLink([.out(getSlotStatus(seq: 0)), .reply([0x81, 0xFF, 0x00])])
        #expect(!(await ReaderHealthCheck().answers(garbage)))
        let command = ScriptedLink([.out(getSlotStatus(seq: 0)), .reply(getSlotStatus(seq: 0))])
        #expect(!(await ReaderHealthCheck().answers(command)), "its own command echoed is not an answer")
        let stale = ScriptedLink([.out(getSlotStatus(seq: 0))] + Array(repeating: .reply(slotStatus(seq: 3)), count: 8))
        #expect(!(await ReaderHealthCheck().answers(stale)))
        #expect(await stale.remaining == 0)
    }

    /// The read asks for a session's size (the descriptor's, at least a short APDU's 271
    /// bytes), so that a probe recorded on a real reader replays like a session, and an
    /// answer longer than 271 bytes (a reader still sending an earlier DataBlock) fits.
    @Test func readsAsMuchAsTheDescriptorAllows() async {
        let long = dataBlock(seq: 0, Array(repeating: 0x5A, count: 1000))
        let roomy = ScriptedLink([.out(getSlotStatus(seq: 0)), .reply(long)],
                                 descriptor: descriptor(features: 0x0004_0000, maxMessage: 1014).encode())
        #expect(await ReaderHealthCheck().answers(roomy))
        let small = ScriptedLink([.out(getSlotStatus(seq: 0)), .reply(long)],
                                 descriptor: descriptor(features: 0x0004_0000, maxMessage: 271).encode())
        #expect(!(await ReaderHealthCheck().answers(small)), "1010 bytes overflow a 271-byte read")
    }
}
