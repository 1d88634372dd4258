public import Control

extension Target {
    /// The key the ESS cluster has in the JSON documents.
    public static let essKey = "ess"
    /// The key the chargepoint cluster has in the JSON documents.
    public static let chargepointsKey = "evcs"

    /// The target's key in `availableControlModes`, `activeControlModes` and
    /// `activateControlModes`: `ess`, `evcs`, or the device id from the site file.
    public var apiKey: String {
        switch self {
        case .essCluster: Target.essKey
        case .chargepointCluster: Target.chargepointsKey
        case .device(let id): id.rawValue
        }
    }

    /// The target a JSON key names: `ess`, `evcs`, else a device id (which need not exist).
    /// Site files name a push client's allowed targets with the same keys.
    public init(apiKey: String) {
        switch apiKey {
        case Target.essKey: self = .essCluster
        case Target.chargepointsKey: self = .chargepointCluster
        default: self = .device(DeviceID(apiKey))
        }
    }
}
