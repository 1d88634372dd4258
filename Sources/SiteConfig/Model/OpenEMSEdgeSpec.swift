/// A device that is an OpenEMS Edge's Modbus/TCP API (`Controller.Api.ModbusTcp.ReadWrite`):
/// the `openems:` section of a device map. Where a component's natures sit depends on the
/// components before it in the Edge's table, so the map's addresses are written for one layout
/// (`natures`: where each nature starts there) and the runtime finds the real starts at
/// connect, as OpenEMS's own Edge2Edge master does (docs/openems.md, "busbar as the
/// Edge-to-Edge master"), and moves every point with its nature.
public struct OpenEMSEdgeSpec: Sendable, Hashable {
    /// The component to control, as the Edge names it (Edge2Edge's `remoteComponentId`).
    public var component: String
    /// Where each nature the points use starts (its hash word) in the layout the map's
    /// addresses are written for, by the nature's name (`SymmetricEss: 600`).
    public var natures: [String: Int]

    public init(component: String, natures: [String: Int]) {
        self.component = component
        self.natures = natures
    }

    /// The nature whose range in the map's layout holds `address`: the one starting last at or
    /// before it; `nil` before every nature.
    public func nature(holding address: Int) -> (name: String, start: Int)? {
        natures.filter { $0.value <= address }.max { $0.value < $1.value }.map { ($0.key, $0.value) }
    }

    /// Java's `String.hashCode()` cut to its low 16 bits, as OpenEMS writes it for "OpenEMS" in
    /// register 0 (0x6201) and for each nature's simple class name in its first word.
    public static func hash(_ text: String) -> UInt16 {
        var hash: Int32 = 0
        for unit in text.utf16 { hash = hash &* 31 &+ Int32(unit) }
        return UInt16(truncatingIfNeeded: hash)
    }
}
