import VPCDBridge

/// The simulated TCOS card behind pcscd's vpcd driver: pcscd, OpenSC and pyscard then use it
/// as a real card. Power cycles and resets lose the security status, as a card's would.
extension SimulatedTCOSCard: VirtualCard {
    public func powerOn() async { reset() }
    public func powerOff() async { reset() }
    public func transmit(_ apdu: [UInt8]) async -> [UInt8] { process(apdu) }
}
