extension Duration {
    /// The duration in seconds, with its fraction.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// The duration in milliseconds, with its fraction.
    public var milliseconds: Double { seconds * 1000 }
}
