extension DeviceEvent {
    /// One JSON object on one line (no newline): the `--json` output of trustedpathd and what
    /// the event socket streams. Keys in a fixed order so lines diff well; `busnum`/`devnum`
    /// are numbers, `idVendor`/`idProduct` four lowercase hex digits as in sysfs.
    public var jsonLine: String {
        var fields: [(String, String)] = [
            ("event", JSONText.string(kind.rawValue)),
            ("syspath", JSONText.string(device.syspath)),
            ("busnum", String(device.busnum)),
            ("devnum", String(device.devnum)),
            ("idVendor", JSONText.string(Hex.four(device.idVendor))),
            ("idProduct", JSONText.string(Hex.four(device.idProduct))),
            ("kind", JSONText.string(device.role.rawValue)),
        ]
        if let product = device.product { fields.append(("product", JSONText.string(product))) }
        if let slot { fields.append(("slot", String(slot))) }
        return "{" + fields.map { "\(JSONText.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }
}

/// Minimal JSON string quoting; device strings come from the device and may hold anything.
enum JSONText {
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
