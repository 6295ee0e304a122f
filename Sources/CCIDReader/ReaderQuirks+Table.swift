/// The known readers. Sources: libccid src/ccid_usb.c `Bogus_firmwares` (firmware strictly
/// below the listed bcdDevice is bogus: libccid refuses it unless told otherwise), libccid
/// commands.c (SCM dwMaxCCIDMessageLength), libccid ccid.c (ccid_open_hack_pre/post), and
/// REINER SCT's own driver for the cyberJack.
extension ReaderQuirks {
    private static func bogus(_ vid: UInt16, _ pid: UInt16, below firmware: UInt16, _ name: String) -> ReaderQuirkEntry {
        ReaderQuirkEntry(vendorID: vid, productID: pid, bcdDevice: 0...(firmware - 1),
                         quirks: ReaderQuirks(bogusFirmware: true, note: name + ": firmware too old (libccid Bogus_firmwares)"))
    }

    private static func noSecurePIN(_ vid: UInt16, _ pid: UInt16, _ note: String) -> ReaderQuirkEntry {
        ReaderQuirkEntry(vendorID: vid, productID: pid, quirks: ReaderQuirks(pinSupport: 0, note: note))
    }

    private static func noPadChaining(_ vid: UInt16, _ pid: UInt16, _ name: String) -> ReaderQuirkEntry {
        ReaderQuirkEntry(vendorID: vid, productID: pid,
                         quirks: ReaderQuirks(pinSupport: 0, exchangeLevel: .extendedAPDU,
                                              note: name + ": no keypad, chains as extended APDU"))
    }

    public static let table: [ReaderQuirkEntry] = [
        // Bogus firmware (libccid ccid_usb.c).
        bogus(0x04E6, 0xE001, below: 0x0516, "SCR 331"),
        bogus(0x04E6, 0x5111, below: 0x0620, "SCR 331-DI"),
        bogus(0x04E6, 0x5115, below: 0x0514, "SCR 335"),
        bogus(0x04E6, 0xE003, below: 0x0510, "SPR 532"),
        bogus(0x0D46, 0x3001, below: 0x0037, "KAAN Base"),
        bogus(0x0D46, 0x3002, below: 0x0037, "KAAN Advanced"),
        bogus(0x09C3, 0x0008, below: 0x0203, "ActivCard V2"),
        bogus(0x0DC3, 0x1004, below: 0x0502, "ASE IIIe USBv2"),
        bogus(0x0DC3, 0x1102, below: 0x0607, "ASE IIIe KB USB"),
        bogus(0x058F, 0x9520, below: 0x0102, "Alcor AU9520-G"),
        bogus(0x072F, 0x2200, below: 0x0206, "ACS ACR122U-WB-R"),
        bogus(0x08C3, 0x0402, below: 0x5000, "Precise 200 MC"),
        bogus(0x08C3, 0x0401, below: 0x5000, "Precise 250 MC"),
        bogus(0x0B0C, 0x0050, below: 0x0101, "Todos Argos Mini II"),
        bogus(0x0DC3, 0x0900, below: 0x0200, "Athena IDProtect Key v2"),
        bogus(0x03F0, 0x0036, below: 0x0124, "HP USB CCID Smartcard Keyboard"),
        bogus(0x062D, 0x0001, below: 0x0102, "THRC Smart Card Reader"),
        bogus(0x04E6, 0x5291, below: 0x0112, "SCM SCL010"),
        // SCM readers report dwMaxCCIDMessageLength 263 but take a full 270-byte message
        // (libccid BOGUS_SCM_FIRMWARE_FOR_dwMaxCCIDMessageLength).
        ReaderQuirkEntry(vendorID: 0x04E6, productID: 0xE001,
                         quirks: ReaderQuirks(maxMessageLength: 270, note: "SCM: dwMaxCCIDMessageLength 263 means 270")),
        ReaderQuirkEntry(vendorID: 0x04E6, productID: 0xE003,
                         quirks: ReaderQuirks(maxMessageLength: 270, note: "SCM: dwMaxCCIDMessageLength 263 means 270")),
        // libccid ccid.c, ccid_open_hack_pre and _post (reader IDs from ccid.h).
        ReaderQuirkEntry(vendorID: 0x09BE, productID: 0x0002,
                         quirks: ReaderQuirks(maxIFSD: 254, note: "MySmartPad: dwMaxIFSD 0 means 254")),
        noSecurePIN(0x03F0, 0x1024, "HP USB Smart Card Keyboard: the keypad also sends the PIN to the host"),
        noSecurePIN(0x03F0, 0x0036, "HP USB CCID Smartcard Keyboard: the keypad also sends the PIN to the host"),
        noSecurePIN(0x0BF8, 0x1017, "Fujitsu SmartCase KB SCR: the keypad also sends the PIN to the host"),
        noSecurePIN(0x0783, 0x0006, "C3PO LTC31 v2: secure PIN entry is broken"),
        // Chips that announce a keypad they lack and chain responses like extended APDU readers.
        noPadChaining(0x076B, 0x3A21, "HID OMNIKEY (Aviator)"),
        noPadChaining(0x076B, 0x3031, "HID OMNIKEY 3121/3021/1021"),
        noPadChaining(0x076B, 0x6632, "HID OMNIKEY 6121"),
        noPadChaining(0x046A, 0x00A7, "Cherry Smart Terminal xx44"),
        noPadChaining(0x0BF8, 0x1024, "Fujitsu Smartcard Reader D323"),
        // Firmware 1.00 announces short APDUs, then chains a T=1 card's long answers.
        ReaderQuirkEntry(vendorID: 0x046A, productID: 0x00A1, bcdDevice: 0x0100...0x0100,
                         quirks: ReaderQuirks(exchangeLevel: .extendedAPDU, note: "Cherry KC 1000 SC firmware 1.00")),
        // REINER SCT cyberJack: class 0xFF, descriptor after the last endpoint (0300 family);
        // the e-com 0400 is not in libccid at all.
        ReaderQuirkEntry(vendorID: 0x0C4B, productID: 0x0300,
                         quirks: ReaderQuirks(descriptorOnLastEndpoint: true, note: "REINER SCT cyberJack pinpad")),
        ReaderQuirkEntry(vendorID: 0x0C4B, productID: 0x0400,
                         quirks: ReaderQuirks(descriptorOnLastEndpoint: true, note: "REINER SCT cyberJack e-com")),
    ]
}
