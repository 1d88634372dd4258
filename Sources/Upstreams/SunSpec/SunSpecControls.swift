public import Control

/// What a master has written to model 124, as the registers hold it (raw, before the scale
/// factor), and the instant of the command it stands for. Reads show these values.
public struct SunSpecControls: Sendable, Hashable {
    /// The points of model 124 a master may write.
    static let written: Set<String> = [
        "WChaGra", "WDisChaGra", "StorCtl_Mod", "OutWRte", "InWRte", "InOutWRte_WinTms", "InOutWRte_RvrtTms",
        "InOutWRte_RmpTms", "ChaGriSet",
    ]
    /// The points whose write changes the command.
    static let commanding: Set<String> = ["StorCtl_Mod", "OutWRte", "InWRte", "InOutWRte_RvrtTms"]
    /// InOutWRte_SF: rates in 0.01 %.
    static let rateExponent = -2
    /// 100 % at ``rateExponent``.
    static let fullRate = 10_000.0
    /// StorCtl_Mod's bits: 0 CHARGE (InWRte in force), 1 DISCHARGE (OutWRte in force).
    static let chargeBit = 1
    static let dischargeBit = 2

    static let ranges: [String: ClosedRange<Double>] = [
        "StorCtl_Mod": 0...3, "OutWRte": -fullRate...fullRate, "InWRte": -fullRate...fullRate,
        "WChaGra": 0...65534, "WDisChaGra": 0...65534, "InOutWRte_WinTms": 0...65534,
        "InOutWRte_RvrtTms": 0...65534, "InOutWRte_RmpTms": 0...65534,
    ]
    static let values: [String: [SunSpecTable.Field.EnumValue]] = ["ChaGriSet": [.init("PV", 0), .init("GRID", 1)]]

    /// Raw register values by point name.
    public var values: [String: Double]
    /// When the command in force was issued; `nil` while the master holds none.
    public var commandIssued: ControlInstant?

    /// No limits: StorCtl_Mod 0, both rates at 100 %, grid charging allowed.
    public static let released = SunSpecControls(
        values: [
            "StorCtl_Mod": 0, "OutWRte": fullRate, "InWRte": fullRate, "InOutWRte_WinTms": 0, "InOutWRte_RvrtTms": 0,
            "InOutWRte_RmpTms": 0, "ChaGriSet": 1,
        ], commandIssued: nil)

    /// The revert timeout, if the master set one.
    var revertTimeout: Duration? {
        guard let seconds = values["InOutWRte_RvrtTms"], seconds > 0 else { return nil }
        return .seconds(seconds)
    }

    /// The bounds the limits in force put on the cluster's power, W (positive = discharge):
    /// InWRte bounds charging at WChaMax × InWRte, OutWRte discharging at WChaMax × OutWRte.
    func bounds(ratedPower: Double) -> (lower: Double, upper: Double) {
        let mode = Int(values["StorCtl_Mod"] ?? 0)
        let percent = { (name: String) in (values[name] ?? Self.fullRate) / Self.fullRate }
        let lower = mode & Self.chargeBit != 0 ? -percent("InWRte") * ratedPower : -ratedPower
        let upper = mode & Self.dischargeBit != 0 ? percent("OutWRte") * ratedPower : ratedPower
        return (lower, upper)
    }
}
