import Power
import Testing

@Suite struct USBTopologyTests {
    @Test func deviceOnARootHubPort() throws {
        let t = try #require(USBTopology(deviceName: "1-2"))
        #expect(t.bus == 1 && t.ports == [2] && t.port == 2)
        #expect(t.hubName == "usb1")
        #expect(t.hubInterfaceName == "1-0:1.0")
        #expect(t.portName == "usb1-port2")
        #expect(t.portPath == "/sys/bus/usb/devices/1-0:1.0/usb1-port2")
        #expect(t.devicePath == "/sys/bus/usb/devices/1-2")
        #expect(t.hubPath == "/sys/bus/usb/devices/usb1")
    }

    @Test func deviceBehindAnExternalHub() throws {
        let t = try #require(USBTopology(deviceName: "3-1.4.2"))
        #expect(t.bus == 3 && t.ports == [1, 4, 2])
        #expect(t.hubName == "3-1.4")
        #expect(t.hubInterfaceName == "3-1.4:1.0")
        #expect(t.portPath == "/sys/bus/usb/devices/3-1.4:1.0/3-1.4-port2")
        #expect(t.deviceName == "3-1.4.2")
    }

    @Test("not a device's kernel name",
          arguments: ["", "usb1", "1-2:1.0", "1-", "-2", "1-2.", "1-.2", "1-0", "0-1", "1-256", "x-1", "1-2-3",
                      "1-1.1.1.1.1.1.1.1", "1234-1", "+1-2", "1- 2", "/sys/bus/usb/devices/1-2"])
    func rejects(_ name: String) {
        #expect(USBTopology(deviceName: name) == nil)
    }

    @Test func portFromTheDevicesPortLink() {
        #expect(USBTopology.portPath(fromLinkTarget: "../1-0:1.0/usb1-port2") == "/sys/bus/usb/devices/1-0:1.0/usb1-port2")
        #expect(USBTopology.portPath(fromLinkTarget: "../1-1:1.0/1-1-port3") == "/sys/bus/usb/devices/1-1:1.0/1-1-port3")
        #expect(USBTopology.portPath(fromLinkTarget: "usb1-port2") == nil, "no hub interface in the target")
        #expect(USBTopology.portPath(fromLinkTarget: "../1-0:1.0/power") == nil)
        #expect(USBTopology.portPath(fromLinkTarget: "../usb1/usb1-port2") == nil, "a device, not an interface")
    }

    @Test func portNumbers() {
        #expect(USBTopology.portNumber("usb1-port2") == 2)
        #expect(USBTopology.portNumber("1-1.4-port12") == 12)
        for bad in ["port2", "usb1-port", "usb1-port0", "usb1-port256", "usb1-portx", "usb1-port-2", ""] {
            #expect(USBTopology.portNumber(bad) == nil, "\(bad)")
        }
    }

    /// Every truncation and every one-character change of real names: parsers of paths
    /// read from sysfs links and command lines must never trap.
    @Test func parsersNeverTrapOnMangledNames() {
        let alphabet = Array("0123456789.-:/portusb \u{0}é")
        for sample in ["1-2", "3-1.4.2", "usb1-port2", "../1-0:1.0/usb1-port2", "1-1.4-port12"] {
            let characters = Array(sample)
            var variants = (0...characters.count).map { String(characters.prefix($0)) }
            for index in characters.indices {
                for replacement in alphabet {
                    var changed = characters
                    changed[index] = replacement
                    variants.append(String(changed))
                }
            }
            for text in variants {
                if let topology = USBTopology(deviceName: text) {
                    #expect(USBTopology(deviceName: topology.deviceName) == topology)
                }
                _ = USBTopology.portNumber(text)
                _ = USBTopology.portPath(fromLinkTarget: text)
            }
        }
    }
}
