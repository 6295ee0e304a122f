import CCID
import USBLink

extension CCIDReader {
    /// Card insertions and removals, per slot.
    ///
    /// A reader with an interrupt endpoint reports RDR_to_PC_NotifySlotChange and
    /// RDR_to_PC_HardwareError there; that is all this listens to. Only a reader without
    /// one is polled with PC_to_RDR_GetSlotStatus every `pollingInterval`, slot by slot
    /// (those commands take their turn on the pipe like any other).
    ///
    /// Every slot starts as "absent": a card present at the first report is an insertion.
    /// The stream ends with `.readerGone` when the link fails, or when the caller stops
    /// iterating.
    ///
    /// `executor`: where the listening task runs. A daemon that keeps its work off the
    /// global pool (whose libdispatch monitor wakes the process every second once used)
    /// passes its own; an unstructured task would not inherit the caller's preference.
    public nonisolated func cardEvents(pollingInterval: Duration = .seconds(1),
                                       executor: (any TaskExecutor)? = nil) -> AsyncStream<CCIDCardEvent> {
        let (stream, continuation) = AsyncStream<CCIDCardEvent>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let slots = descriptor.slotCount
        let task: Task<Void, Never>
        if let endpoint = link.device.interruptInEndpoint {
            let link = self.link
            task = Task(executorPreference: executor) {
                await Self.listen(link: link, endpoint: endpoint, slots: slots, continuation: continuation)
            }
        } else {
            task = Task(executorPreference: executor) {
                await self.poll(slots: slots, interval: pollingInterval, continuation: continuation)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private static func listen(link: any USBLink, endpoint: UInt8, slots: Int,
                               continuation: AsyncStream<CCIDCardEvent>.Continuation) async {
        var present = Array(repeating: false, count: slots)
        // NotifySlotChange is 1 + 2 bits per slot; HardwareError 4 bytes.
        let maxLength = max(4, 1 + (slots * 2 + 7) / 8)
        while !Task.isCancelled {
            let bytes: [UInt8]
            do {
                // A long wait costs nothing (the transfer sleeps in the kernel) and an idle
                // daemon must not wake; ending the stream cancels the task, which cancels the
                // transfer. The deadline only bounds a transfer the link somehow lost.
                bytes = try await link.interruptIn(maxLength: maxLength, endpoint: endpoint, deadline: .after(.seconds(86_400)))
            } catch where error.code == .timeout {
                continue
            } catch {
                if !Task.isCancelled { continuation.yield(.readerGone) }
                continuation.finish()
                return
            }
            // A malformed interrupt message is dropped: the next one carries the full state.
            guard let message = try? CCIDInterruptMessage(parsing: bytes) else { continue }
            switch message {
            case .notifySlotChange(let states):
                for (index, state) in states.prefix(slots).enumerated() where state.present != present[index] || state.changed {
                    if state.changed, state.present == present[index] {
                        // Removed and reinserted between two reports: say both.
                        continuation.yield(state.present ? .removed(slot: UInt8(index)) : .inserted(slot: UInt8(index)))
                    }
                    present[index] = state.present
                    continuation.yield(state.present ? .inserted(slot: UInt8(index)) : .removed(slot: UInt8(index)))
                }
            case .hardwareError(let slot, _, let code):
                continuation.yield(.hardwareError(slot: slot, code: code))
            }
        }
        continuation.finish()
    }

    private func poll(slots: Int, interval: Duration, continuation: AsyncStream<CCIDCardEvent>.Continuation) async {
        var present = Array(repeating: false, count: slots)
        while !Task.isCancelled {
            for index in 0..<slots {
                let status: CCIDSlotStatus.ICCStatus
                do { status = try await slotStatus(slot: UInt8(index)) } catch {
                    if error.code == .link || error.code == .readerFault {
                        continuation.yield(.readerGone)
                        continuation.finish()
                        return
                    }
                    continue
                }
                let now = status == .presentActive || status == .presentInactive
                if now != present[index] {
                    present[index] = now
                    continuation.yield(now ? .inserted(slot: UInt8(index)) : .removed(slot: UInt8(index)))
                }
            }
            do { try await Task.sleep(for: interval) } catch { break }
        }
        continuation.finish()
    }
}
