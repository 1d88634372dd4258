public import Vocabulary

/// The chargepoints a condition watches (`any`, or a list of ids), and whether they charge.
public enum ChargepointSelection: Hashable, Sendable, CustomStringConvertible {
    /// Every chargepoint of the site.
    case any
    /// These chargepoints.
    case only(Set<DeviceID>)

    /// Below this a chargepoint counts as not charging: a car that is full or waiting draws a
    /// few watts; the least charging current, 6 A on one phase, is about 1.4 kW.
    public static let chargingThreshold: Watts = 100

    /// Whether one of the selected chargepoints is online and charging in `site`.
    public func isCharging(in site: SiteSnapshot) -> Bool {
        site.online(.chargepoint).contains { device in
            device.activePower > Self.chargingThreshold && contains(device.id)
        }
    }

    func contains(_ id: DeviceID) -> Bool {
        switch self {
        case .any: true
        case .only(let ids): ids.contains(id)
        }
    }

    public var description: String {
        switch self {
        case .any: "any"
        case .only(let ids): ids.map(\.rawValue).sorted().joined(separator: ", ")
        }
    }
}

/// `until: {idle: {chargepoints: …, for: 15 min}}`: a command that ends once none of the
/// chargepoints has charged for `duration`.
public struct IdleCondition: Hashable, Sendable, CustomStringConvertible {
    /// The chargepoints watched.
    public var chargepoints: ChargepointSelection
    /// How long they must all be idle.
    public var duration: Duration

    public init(chargepoints: ChargepointSelection, duration: Duration) {
        self.chargepoints = chargepoints
        self.duration = duration
    }

    public var description: String { "idle: \(chargepoints) for \(Int(duration.seconds)) s" }
}
