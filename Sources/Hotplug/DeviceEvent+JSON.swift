import CCID
import TrustedPathCore

extension DeviceEvent {
    /// One JSON object on one line (no newline): the `--json` output of trustedpathd and what
    /// the event socket streams. Keys in a fixed order so lines diff well; `busnum`/`devnum`
    /// are numbers, `idVendor`/`idProduct` four lowercase hex digits as in sysfs. Device
    /// strings come from the device and may hold anything: JSONValue escapes them.
    public var jsonLine: String {
        var fields: [(String, JSONValue)] = [
            ("event", .string(kind.rawValue)),
            ("syspath", .string(device.syspath)),
            ("busnum", .int(Int(device.busnum))),
            ("devnum", .int(Int(device.devnum))),
            ("idVendor", .string(Hex.four(device.idVendor))),
            ("idProduct", .string(Hex.four(device.idProduct))),
            ("kind", .string(device.role.rawValue)),
        ]
        if let product = device.product { fields.append(("product", .string(product))) }
        if let slot { fields.append(("slot", .int(Int(slot)))) }
        if let recovery { fields.append(("recovery", .string(recovery))) }
        return JSONValue.object(fields).rendered
    }
}
