extension Duration {
    /// Whole milliseconds, rounded toward zero: the unit of poll(2), libusb and PC/SC timeouts.
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
