import PEDProtocol
import Synchronization
import USBLink

/// Redacts PED key secrets from a recording: the secret of a write-secret request (OUT) and
/// of a successful read-secret reply (IN). PINs never cross the link, so there is nothing
/// else to hide. A secret that runs on into the next transfer of the same direction is
/// blanked there too. Frames are only looked for at the start of a transfer, which is where
/// the PED and the driver put them; anything else passes unchanged.
public enum PEDRedaction {
    public static func redactor(for device: USBDeviceInfo) -> Redactor {
        // Secret bytes still to blank at the start of the next transfer, per direction.
        let carry = Mutex<(out: Int, in: Int)>((0, 0))
        let outEndpoint = device.bulkOutEndpoint, inEndpoint = device.bulkInEndpoint
        return Redactor { endpoint, data in
            guard endpoint == outEndpoint || endpoint == inEndpoint else { return data }
            let isIn = endpoint == inEndpoint
            var out = data
            var start = 0
            let pending = carry.withLock { isIn ? $0.in : $0.out }
            var left = 0
            if pending > 0 {
                let n = min(pending, out.count)
                for i in 0..<n { out[i] = Redactor.filler }
                left = pending - n
                start = n
            }
            if start == 0, let span = secretSpan(data, isIn: isIn) {
                let end = min(span.offset + span.count, out.count)
                if span.offset < end { for i in span.offset..<end { out[i] = Redactor.filler } }
                left = span.offset + span.count - max(end, span.offset)
            }
            carry.withLock { if isIn { $0.in = left } else { $0.out = left } }
            return out
        }
    }

    /// Where the secret lies in a frame starting at the transfer's first byte, if it has one.
    static func secretSpan(_ data: [UInt8], isIn: Bool) -> (offset: Int, count: Int)? {
        guard data.count > 9, data[0] == PEDFrame.magic[0], data[1] == PEDFrame.magic[1] else { return nil }
        if isIn, data[4] == PEDMessageType.readSecret.replyType, data[8] == PEDStatus.ok.rawValue {
            return (PEDReply.readSecretOffset, Int(data[PEDReply.readSecretOffset - 1]))
        }
        if !isIn, data[4] == PEDMessageType.writeSecret.rawValue, data.count > PEDRequest.writeSecretOffset - 1 {
            return (PEDRequest.writeSecretOffset, Int(data[PEDRequest.writeSecretOffset - 1]))
        }
        return nil
    }
}
