import Foundation
public import Gateway
public import GatewayState
import SiteConfig
import Vocabulary

/// A Home Assistant MQTT discovery config for one sensor: a device's well-known reading, with its
/// unit, device class and state class, read from the device's retained document.
public struct DiscoveryConfig: Encodable, Sendable, Hashable {
    public struct Device: Encodable, Sendable, Hashable {
        public var identifiers: [String]
        public var name: String
        public var manufacturer: String
        public var model: String
    }

    public var name: String
    public var uniqueID: String
    public var objectID: String
    public var stateTopic: String
    public var valueTemplate: String
    public var unitOfMeasurement: String?
    public var deviceClass: String?
    public var stateClass: String?
    public var availabilityTopic: String
    public var device: Device

    enum CodingKeys: String, CodingKey {
        case name, device
        case uniqueID = "unique_id"
        case objectID = "object_id"
        case stateTopic = "state_topic"
        case valueTemplate = "value_template"
        case unitOfMeasurement = "unit_of_measurement"
        case deviceClass = "device_class"
        case stateClass = "state_class"
        case availabilityTopic = "availability_topic"
    }

    /// The topic Home Assistant reads the config from, under its discovery prefix.
    public func topic(discoveryPrefix: String) -> String { "\(discoveryPrefix)/sensor/\(uniqueID)/config" }

    /// The sensors of `status`'s device: every telemetry role its map reports.
    public static func sensors(of status: DeviceStatus, site: String, topics: MQTTTopics) -> [DiscoveryConfig] {
        let slug = MQTTConfig.slug(site)
        let device = Device(
            identifiers: ["busbar_\(slug)_\(status.id)"], name: status.id, manufacturer: "busbar",
            model: status.identity["model"] ?? status.kind.rawValue)
        return TelemetryRole.allCases.filter { $0.kinds.contains(status.kind) && status.values[$0.pointName] != nil }
            .map { role in
                let id = "busbar_\(slug)_\(status.id)_\(role.pointName)"
                return DiscoveryConfig(
                    name: role.pointName.replacingOccurrences(of: "_", with: " "), uniqueID: id, objectID: id,
                    stateTopic: topics.device(status.id),
                    valueTemplate: "{{ value_json['values'].get('\(role.pointName)') }}",
                    unitOfMeasurement: role.unit, deviceClass: deviceClass(role), stateClass: stateClass(role),
                    availabilityTopic: topics.availability, device: device)
            }
    }

    private static func deviceClass(_ role: TelemetryRole) -> String? {
        switch role {
        case .soc: "battery"
        case .activePower, .activePowerL1, .activePowerL2, .activePowerL3, .allowedChargePower,
            .allowedDischargePower, .maxChargePower, .maxDischargePower:
            "power"
        case .capacity, .energy, .energyImport, .energyExport: "energy"
        case .currentLimit: "current"
        case .state, .status, .plugged, .phases: nil
        }
    }

    private static func stateClass(_ role: TelemetryRole) -> String? {
        switch role {
        case .energy, .energyImport, .energyExport: "total_increasing"
        case .capacity: nil
        default: "measurement"
        }
    }
}
