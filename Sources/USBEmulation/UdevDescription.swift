/// Devices in umockdev's text form (P: sysfs path, N: device node, E: udev property, A: sysfs
/// attribute, H: binary attribute in hex), with what each reader of it needs: libusb the
/// usb_device's busnum, devnum, speed, bConfigurationValue and `descriptors` (the device
/// descriptor then the whole configuration); pcscd the usb_interface child with
/// bInterfaceClass and its parent's idVendor, idProduct and serial; libudev the properties.
enum UdevDescription {
    static func rootHub(sysPath: String) -> String {
        let descriptors = "12010002090001406B1D020004060302010109021900010100E0000904000001090000000705810304000C"
        return """
        P: \(sysPath.dropFirst("/sys".count))
        N: bus/usb/001/001
        E: SUBSYSTEM=usb
        E: DEVTYPE=usb_device
        E: DRIVER=usb
        E: BUSNUM=001
        E: DEVNUM=001
        E: DEVNAME=/dev/bus/usb/001/001
        E: PRODUCT=1d6b/2/604
        E: TYPE=9/0/1
        A: authorized=1
        A: bConfigurationValue=1
        A: bDeviceClass=09
        A: bNumInterfaces= 1
        A: busnum=1
        A: devnum=1
        A: idProduct=0002
        A: idVendor=1d6b
        A: maxchild=4
        A: product=xHCI Host Controller
        A: speed=480
        A: version= 2.00
        H: descriptors=\(descriptors)

        P: /devices/pci0000:00/0000:00:14.0
        E: SUBSYSTEM=pci
        E: DRIVER=xhci_hcd
        E: PCI_CLASS=C0330
        A: class=0x0c0330

        """
    }

    static func device(_ gadget: USBGadget, port: EmulatedUSBBus.Port, busNumber: Int) -> String {
        let info = gadget.info
        let vendor = hex(info.vendorID, 4), product = hex(info.productID, 4), release = hex(info.bcdDevice, 4)
        let bus = pad(busNumber, 3), address = pad(port.deviceAddress, 3)
        let descriptors = (gadget.deviceDescriptor + gadget.configurationDescriptor).map { hex(UInt16($0), 2, uppercase: true) }.joined()
        let interfaceClass = hex(UInt16(info.interfaceClass), 2)
        let endpoints = info.interruptInEndpoint == nil ? 2 : 3
        let shortProduct = "\(String(info.vendorID, radix: 16))/\(String(info.productID, radix: 16))/\(String(info.bcdDevice, radix: 16))"
        let model = gadget.product.replacingSpaces, make = gadget.manufacturer.replacingSpaces
        // The sysfs path is relative to /sys in P: lines.
        let path = String(port.sysPath.dropFirst("/sys".count))
        return """
        P: \(path)
        N: bus/usb/\(bus)/\(address)
        E: SUBSYSTEM=usb
        E: DEVTYPE=usb_device
        E: DRIVER=usb
        E: BUSNUM=\(bus)
        E: DEVNUM=\(address)
        E: DEVNAME=/dev/bus/usb/\(bus)/\(address)
        E: PRODUCT=\(shortProduct)
        E: TYPE=0/0/0
        E: ID_BUS=usb
        E: ID_VENDOR_ID=\(vendor)
        E: ID_MODEL_ID=\(product)
        E: ID_REVISION=\(release)
        E: ID_VENDOR=\(make)
        E: ID_MODEL=\(model)
        E: ID_SERIAL=\(make)_\(model)_\(gadget.serial)
        E: ID_SERIAL_SHORT=\(gadget.serial)
        E: ID_USB_INTERFACES=:\(interfaceClass)0000:
        A: authorized=1
        A: avoid_reset_quirk=0
        A: bConfigurationValue=1
        A: bDeviceClass=00
        A: bDeviceProtocol=00
        A: bDeviceSubClass=00
        A: bMaxPacketSize0=64
        A: bMaxPower=100mA
        A: bNumConfigurations=1
        A: bNumInterfaces= 1
        A: bcdDevice=\(release)
        A: bmAttributes=80
        A: busnum=\(busNumber)
        A: devnum=\(port.deviceAddress)
        A: devpath=\(port.number)
        A: idProduct=\(product)
        A: idVendor=\(vendor)
        A: manufacturer=\(gadget.manufacturer)
        A: maxchild=0
        A: product=\(gadget.product)
        A: removable=removable
        A: serial=\(gadget.serial)
        A: speed=\(gadget.speedMbps)
        A: version= 2.00
        H: descriptors=\(descriptors)

        P: \(port.interfaceSysPath.dropFirst("/sys".count))
        E: SUBSYSTEM=usb
        E: DEVTYPE=usb_interface
        E: INTERFACE=\(info.interfaceClass)/0/0
        E: PRODUCT=\(shortProduct)
        E: TYPE=0/0/0
        A: bAlternateSetting= 0
        A: bInterfaceClass=\(interfaceClass)
        A: bInterfaceNumber=\(hex(UInt16(info.interfaceNumber), 2))
        A: bInterfaceProtocol=00
        A: bInterfaceSubClass=00
        A: bNumEndpoints=\(hex(UInt16(endpoints), 2))
        A: authorized=1

        """
    }

    /// sysfs writes attributes in lower case; umockdev takes H: lines in upper case only.
    static func hex(_ value: UInt16, _ width: Int, uppercase: Bool = false) -> String {
        let digits = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension String {
    /// udev's ID_MODEL and ID_VENDOR: spaces as underscores.
    var replacingSpaces: String { String(map { $0 == " " ? "_" : $0 }) }
}
