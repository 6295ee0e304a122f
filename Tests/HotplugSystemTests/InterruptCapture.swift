/// A usbmon pcap (LINKTYPE_USB_LINUX_MMAPPED, 64-byte `struct usbmon_packet` headers) of
/// interrupt IN and bulk transfers: what umockdev replays for a reader's card notifications
/// and a PED's keep-alives.
/// A small cousin of Tests/SystemTests/UsbmonCapture.swift, self-contained because this
/// target doesn't link Transcript.
///
/// umockdev 0.17 matches a submission on type, endpoint and requested length.
struct InterruptCapture {
    var bus: UInt16 = 1
    var device: UInt8 = 5
    private var records: [[UInt8]] = []
    private var nextID: UInt64 = 0xffff_8880_0000_2000

    /// An interrupt IN asking for `length` bytes, answered with `reply` (nil: never answered).
    mutating func interruptIn(_ endpoint: UInt8, length: UInt32, reply: [UInt8]?) {
        input(type: 1, endpoint, length: length, reply: reply)
    }

    /// A bulk OUT of `data`, completed.
    mutating func bulkOut(_ endpoint: UInt8, _ data: [UInt8]) {
        nextID += 0x40
        records.append(record(nextID, event: "S", type: 3, endpoint: endpoint, status: -115, length: UInt32(data.count),
                              data: data))
        records.append(record(nextID, event: "C", type: 3, endpoint: endpoint, status: 0, length: UInt32(data.count),
                              data: []))
    }

    /// A bulk IN asking for `length` bytes, answered with `reply` (nil: never answered).
    mutating func bulkIn(_ endpoint: UInt8, length: UInt32, reply: [UInt8]?) {
        input(type: 3, endpoint, length: length, reply: reply)
    }

    /// type 1 interrupt, 3 bulk.
    private mutating func input(type: UInt8, _ endpoint: UInt8, length: UInt32, reply: [UInt8]?) {
        nextID += 0x40
        records.append(record(nextID, event: "S", type: type, endpoint: endpoint, status: -115, length: length, data: []))
        if let reply {
            records.append(record(nextID, event: "C", type: type, endpoint: endpoint, status: 0,
                                  length: UInt32(reply.count), data: reply))
        }
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.le32(0xa1b2_c3d4); out.le16(2); out.le16(4); out.le32(0); out.le32(0); out.le32(65535); out.le32(220)
        for (index, record) in records.enumerated() {
            out.le32(1_700_000_000); out.le32(UInt32(index * 1000))  // 1 ms apart
            out.le32(UInt32(record.count)); out.le32(UInt32(record.count))
            out += record
        }
        return out
    }

    private func record(_ id: UInt64, event: Unicode.Scalar, type: UInt8, endpoint: UInt8, status: Int32, length: UInt32,
                        data: [UInt8]) -> [UInt8] {
        var r: [UInt8] = []
        r.le64(id)
        r.append(UInt8(ascii: event))
        r.append(type)  // 1 interrupt, 3 bulk
        r.append(endpoint)
        r.append(device)
        r.le16(bus)
        r.append(UInt8(ascii: "-"))                      // no setup
        r.append(data.isEmpty ? UInt8(ascii: "<") : 0)   // flag_data
        r.le64(1_700_000_000); r.le32(0)
        r.le32(UInt32(bitPattern: status))
        r.le32(length)
        r.le32(UInt32(data.count))
        r += [UInt8](repeating: 0, count: 8)             // setup
        r.le32(16); r.le32(0); r.le32(0); r.le32(0)      // interval, start frame, flags, ndesc
        precondition(r.count == 64)
        return r + data
    }
}

private extension [UInt8] {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xff)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(s)) & 0xff)) } }
    mutating func le64(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { append(UInt8((v >> UInt64(s)) & 0xff)) } }
}
