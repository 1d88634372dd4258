public import Foundation

/// The result of `busbar commission`: per device pass/warn/fail with the evidence.
public struct CommissionReport: Sendable, Encodable {
    public var site: String
    public var file: String
    public var time: Date
    /// Whether the pulse tests ran.
    public var pulsed: Bool
    public var devices: [DeviceCommissioning]
    /// The worst of the devices': what the exit status says.
    public let verdict: Verdict

    public init(site: String, file: String, time: Date, pulsed: Bool, devices: [DeviceCommissioning]) {
        self.site = site
        self.file = file
        self.time = time
        self.pulsed = pulsed
        self.devices = devices
        self.verdict = Verdict.worst(devices.map(\.verdict))
    }

    /// Counts per verdict over every check: "31 pass, 2 warn, 0 fail".
    public var tally: String {
        let checks = devices.flatMap(\.checks)
        return Verdict.allCases.map { verdict in "\(checks.count { $0.verdict == verdict }) \(verdict.rawValue)" }
            .joined(separator: ", ")
    }
}
