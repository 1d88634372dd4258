import Control
import Gateway
import GatewayState
import Modbus
import Vocabulary

/// One gauge of the present, read off a snapshot at each scrape: its name and labels.
struct PresentGauge: Hashable, Sendable {
    enum Name: String, Sendable {
        case deviceOnline = "busbar_device_online"
        case lastReadAge = "busbar_device_last_read_age_seconds"
        case modeInForce = "busbar_mode_in_force"
        case commandLost = "busbar_command_lost"
        case upstreamConnections = "busbar_upstream_connections"

        var help: String {
            switch self {
            case .deviceOnline: "Whether the device answered its polls within its stale limit (1) or not (0)."
            case .lastReadAge: "Seconds since the device's last good read."
            case .modeInForce: "The mode in force on a target, with the source that set it (fallback: none did)."
            case .commandLost: "A command in force that lost in the last decision, with why."
            case .upstreamConnections: "Masters' connections open on the upstream listeners of a profile."
            }
        }
    }

    var name: Name
    var labels: [(String, String)]

    init(_ name: Name, _ labels: [(String, String)]) {
        self.name = name
        self.labels = labels
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.labels.elementsEqual(rhs.labels) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        for (key, value) in labels {
            hasher.combine(key)
            hasher.combine(value)
        }
    }

    /// Every gauge of the present with its value.
    static func all(
        snapshot: GatewaySnapshot, upstreams: [(profile: String, statistics: ModbusTCPServer.Statistics)]
    ) -> [(PresentGauge, Double)] {
        var gauges: [(PresentGauge, Double)] = []
        for device in snapshot.devices {
            let labels = [("device", device.id), ("kind", device.kind.rawValue)]
            gauges.append((PresentGauge(.deviceOnline, labels), device.online ? 1 : 0))
            if let age = device.age {
                gauges.append((PresentGauge(.lastReadAge, [("device", device.id)]), age.seconds))
            }
        }
        for active in snapshot.decision?.active ?? [] {
            let labels = [
                ("target", active.command.target.description), ("mode", active.command.mode.kind.rawValue),
                ("source", active.command.origin.description),
            ]
            gauges.append((PresentGauge(.modeInForce, labels), 1))
        }
        for lost in snapshot.decision?.lost ?? [] {
            let labels = [
                ("target", lost.command.target.description), ("scope", lost.scope.description),
                ("mode", lost.command.mode.kind.rawValue), ("source", lost.command.origin.description),
                ("reason", lost.reason.label),
            ]
            gauges.append((PresentGauge(.commandLost, labels), 1))
        }
        var connections: [String: Int] = [:]
        for upstream in upstreams { connections[upstream.profile, default: 0] += upstream.statistics.openConnections }
        for (profile, open) in connections.sorted(by: { $0.key < $1.key }) {
            gauges.append((PresentGauge(.upstreamConnections, [("profile", profile)]), Double(open)))
        }
        return gauges
    }
}

extension LostCommand.Reason {
    /// Why the command lost, as a metric label: `target_taken_by`, `no_online_device`, …
    var label: String {
        switch self {
        case .conflictsWith: "conflicts_with"
        case .conflictsWithDeviceLimits: "conflicts_with_device_limits"
        case .targetTakenBy: "target_taken_by"
        case .noOnlineDevice: "no_online_device"
        case .modeUnavailable: "mode_unavailable"
        case .clampedAway: "clamped_away"
        case .reversed: "reversed"
        case .inputMissing: "input_missing"
        }
    }
}
