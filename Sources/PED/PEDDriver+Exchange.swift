import PEDProtocol
import Power
import TrustedPathCore
import USBLink

/// One request and its reply, with keep-alives while waiting and recovery when the PED
/// stops answering.
extension PEDDriver {
    /// Why an attempt ended without a reply.
    enum Failure: Error {
        /// The PED does not answer (missed keep-alive, gone from the bus): recovery may help.
        case silent(String)
        case error(PEDError)
    }

    /// Sends `request`; if the PED turns out not to answer, runs the recovery ladder, repeats
    /// the handshake and sends the request once more (the PED restarted and lost it).
    func transact(_ request: PEDRequest, timeout: Duration) async throws(PEDError) -> PEDReply {
        // One request at a time: a second one's frames would be taken for stale replies.
        guard !operating else {
            throw PEDError(.busy, "another PED operation is in progress; wait for it or cancel it")
        }
        operating = true
        defer { operating = false }
        let why: String
        do { return try await attempt(request, timeout: timeout) } catch {
            switch error {
            case .error(let error): throw error
            case .silent(let reason): why = reason
            }
        }
        try await recover(why, during: request.type)
        if case .hello = request, let identity { return .hello(identity) }
        return try await attemptOrGiveUp(request, timeout: timeout) { reason in
            "the PED was recovered but stopped answering again (\(reason)) during the \(request.type) request, "
                + "which did not complete"
        }
    }

    /// One attempt after a recovery: silence now is final, described by `silence`.
    func attemptOrGiveUp(_ request: PEDRequest, timeout: Duration,
                         silence: (String) -> String) async throws(PEDError) -> PEDReply {
        do { return try await attempt(request, timeout: timeout) } catch {
            switch error {
            case .error(let error): throw error
            case .silent(let reason): throw PEDError(.notAnswering, silence(reason), recovery: recoveries.last)
            }
        }
    }

    /// One try: send, then read frames until the reply with our sequence number comes. After
    /// `keepAliveInterval` of silence a keep-alive goes out; a missed keep-alive ends the try
    /// as `.silent`. Bytes dropped while waiting may have been the reply: once the PED has
    /// answered a keep-alive, the request is sent again with the same sequence number and
    /// the PED repeats its answer.
    func attempt(_ request: PEDRequest, timeout: Duration) async throws(Failure) -> PEDReply {
        let sequence = nextSequence()
        let bytes = request.frame(sequence: sequence).encoded()
        let replyType = request.type.replyType
        try await sendOrFail(bytes)
        let deadline = Deadline.after(timeout)
        let discardedBefore = assembler.discarded
        var probe: (sequence: UInt8, deadline: Deadline)?
        var repeated = false
        while true {
            let wait = probe?.deadline ?? min(deadline, Deadline.after(timeouts.keepAliveInterval))
            if var frame = try await receiveFrame(until: wait) {
                if frame.sequence == sequence, frame.type == replyType { return try decode(&frame) }
                if let p = probe, frame.sequence == p.sequence, frame.type == PEDMessageType.keepAlive.replyType {
                    probe = nil
                    if deadline.hasPassed {
                        throw .error(PEDError(.timeout, "the PED answers keep-alives but gave no \(request.type) reply "
                            + "within \(timeout)"))
                    }
                    if assembler.discarded > discardedBefore, !repeated {
                        repeated = true
                        try await sendOrFail(bytes)
                    }
                    continue
                }
                staleReplies += 1
                continue
            }
            if probe != nil || request.type == .keepAlive {
                throw .silent("missed keep-alive while waiting for the \(request.type) reply")
            }
            let keepAlive = nextSequence()
            try await sendOrFail(PEDRequest.keepAlive.frame(sequence: keepAlive).encoded())
            probe = (keepAlive, Deadline.after(timeouts.keepAliveReply))
        }
    }

    /// The frame's payload is wiped once decoded (the frame is the caller's only copy), so a
    /// read-secret reply's secret lives on only in the reply's `SecretBytes`. Best effort: the
    /// link's own buffers are the link's.
    private func decode(_ frame: inout PEDFrame) throws(Failure) -> PEDReply {
        defer { SecretBytes.wipe(&frame.payload) }
        let reply: PEDReply
        do { reply = try PEDReply(frame: frame) } catch {
            throw .error(PEDError(.badReply, "\(error)"))
        }
        if case let .failure(_, status, detail) = reply { throw .error(PEDError(status: status, detail: detail)) }
        return reply
    }

    func send(_ bytes: [UInt8]) async throws(USBError) {
        try await link.bulkOut(bytes, endpoint: link.device.bulkOutEndpoint, deadline: .after(timeouts.shortReply))
    }

    private func sendOrFail(_ bytes: [UInt8]) async throws(Failure) {
        do { try await send(bytes) } catch { throw classify(error) }
    }

    /// The next complete frame, or nil when `deadline` passes first.
    private func receiveFrame(until deadline: Deadline) async throws(Failure) -> PEDFrame? {
        while pending.isEmpty {
            var bytes: [UInt8]
            do {
                bytes = try await link.bulkIn(maxLength: 2_048, endpoint: link.device.bulkInEndpoint, deadline: deadline)
            } catch {
                if error.code == .timeout { return nil }
                throw classify(error)
            }
            pending += assembler.append(bytes)
            SecretBytes.wipe(&bytes)
        }
        return pending.removeFirst()
    }

    private func classify(_ error: USBError) -> Failure {
        switch error.code {
        case .timeout, .noDevice, .io, .closed, .stall: .silent("\(error)")
        case .busy, .accessDenied, .overflow, .replayMismatch: .error(PEDError(.link, "\(error)"))
        }
    }
}
