public import Control
public import Foundation
public import Gateway
import Vocabulary

/// One entry of `activeControlModes` (per target) or of the status's active commands (per
/// source): the mode with its parameter flat beside it, who holds it, and when it ends.
/// `{"mode": "LIMIT_CHARGE", "maxChargePower": 1000, "source": "cloud", "until": "…Z", "secondsLeft": 42}`
public struct ActiveControlMode: Codable, Sendable, Hashable {
    /// How an energy target stands (CHARGE_TO_SOC, CHARGE_ENERGY), in whole Wh and W:
    /// `{"remaining": 2400, "power": -1800, "shortfall": 0, "reached": false}`; CHARGE_ENERGY adds
    /// `delivered` and its `power` is positive (charging).
    public struct EnergyTarget: Codable, Sendable, Hashable {
        /// Energy still to store, Wh.
        public var remaining: Double
        /// The power asked for now, W (negative = charge).
        public var power: Double
        /// What the target will lack at its end at the most the constraints allow, Wh.
        public var shortfall: Double
        /// Whether the target is reached (CHARGE_TO_SOC holds it; CHARGE_ENERGY ends).
        public var reached: Bool
        /// The energy the chargepoints delivered since the command started, Wh (CHARGE_ENERGY).
        public var delivered: Double?

        public init(_ status: EnergyTargetStatus) {
            remaining = status.remaining.rounded()
            power = status.power.rounded() + 0  // `+ 0` turns −0 into 0
            shortfall = status.shortfall.rounded()
            reached = status.reached
            delivered = status.delivered.map { $0.rounded() + 0 }
        }
    }

    /// The target's key (`ess`, `evcs`, a device id).
    public var target: String
    /// The mode's stable name.
    public var mode: String
    /// The mode's parameter by name, e.g. `["maxChargePower": 1000]`; empty without one.
    public var parameters: [String: Double]
    /// The source that holds it, or `fallback`.
    public var source: String
    /// The source's priority; `nil` for a fallback.
    public var priority: Int?
    /// When it ends unless refreshed (watchdog) or at all (explicit end); `nil` for a fallback.
    public var until: Date?
    /// Whole seconds until then.
    public var secondsLeft: Int?
    /// The power it got when it had to be clamped (W); `nil` when it runs as asked.
    public var clampedTo: Double?
    /// How its energy target stands; `nil` for modes without one.
    public var energyTarget: EnergyTarget?
    /// JSON `while`: the condition it is in force under, e.g. `"charging: any"`.
    public var activeWhile: String?
    /// The event that ends it, e.g. `"idle: any for 900 s"`, with how long the chargepoints have
    /// been idle (`"…, idle for 120 s"`).
    public var endsWhen: String?

    public init(
        target: String, mode: String, parameters: [String: Double] = [:], source: String, priority: Int? = nil,
        until: Date? = nil, secondsLeft: Int? = nil, clampedTo: Double? = nil, energyTarget: EnergyTarget? = nil
    ) {
        self.target = target
        self.mode = mode
        self.parameters = parameters
        self.source = source
        self.priority = priority
        self.until = until
        self.secondsLeft = secondsLeft
        self.clampedTo = clampedTo
        self.energyTarget = energyTarget
    }

    /// The entry for an active command of a decision taken at `time`.
    public init(_ active: ActiveCommand, at time: TimeBase) {
        self.init(
            target: active.command.target.apiKey, mode: active.command.mode.kind.name,
            parameters: active.command.mode.parameterValues.apiFields,
            source: active.command.origin.description, priority: active.priority,
            until: active.remaining.map { time.wall.addingTimeInterval($0.seconds) }, secondsLeft: active.secondsLeft,
            clampedTo: active.clampedTo, energyTarget: active.energyTarget.map(EnergyTarget.init))
        activeWhile = active.activeWhileCharging.map { "charging: \($0)" }
        endsWhen = active.endsWhenIdle.map { idle in
            active.idleFor.map { "\(idle), idle for \(Int($0.seconds)) s" } ?? "\(idle)"
        }
    }

    private static let fixedKeys: Set<String> = [
        "target", "mode", "source", "priority", "until", "secondsLeft", "clampedTo", "energyTarget", "while",
        "endsWhen",
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicKey.self)
        target = try container.decode(String.self, forKey: DynamicKey("target"))
        mode = try container.decode(String.self, forKey: DynamicKey("mode"))
        source = try container.decode(String.self, forKey: DynamicKey("source"))
        priority = try container.decodeIfPresent(Int.self, forKey: DynamicKey("priority"))
        until = try container.decodeIfPresent(Date.self, forKey: DynamicKey("until"))
        secondsLeft = try container.decodeIfPresent(Int.self, forKey: DynamicKey("secondsLeft"))
        clampedTo = try container.decodeIfPresent(Double.self, forKey: DynamicKey("clampedTo"))
        energyTarget = try container.decodeIfPresent(EnergyTarget.self, forKey: DynamicKey("energyTarget"))
        activeWhile = try container.decodeIfPresent(String.self, forKey: DynamicKey("while"))
        endsWhen = try container.decodeIfPresent(String.self, forKey: DynamicKey("endsWhen"))
        parameters = [:]
        for key in container.allKeys where !Self.fixedKeys.contains(key.stringValue) {
            parameters[key.stringValue] = try container.decode(Double.self, forKey: key)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(target, forKey: DynamicKey("target"))
        try container.encode(mode, forKey: DynamicKey("mode"))
        for (name, value) in parameters { try container.encode(value, forKey: DynamicKey(name)) }
        try container.encode(source, forKey: DynamicKey("source"))
        try container.encode(priority, forKey: DynamicKey("priority"))
        try container.encode(until, forKey: DynamicKey("until"))
        try container.encode(secondsLeft, forKey: DynamicKey("secondsLeft"))
        try container.encodeIfPresent(clampedTo, forKey: DynamicKey("clampedTo"))
        try container.encodeIfPresent(energyTarget, forKey: DynamicKey("energyTarget"))
        try container.encodeIfPresent(activeWhile, forKey: DynamicKey("while"))
        try container.encodeIfPresent(endsWhen, forKey: DynamicKey("endsWhen"))
    }
}

extension [ModeParameter.Name: Double] {
    /// The values as JSON fields, keyed by the parameters' names.
    var apiFields: [String: Double] {
        [String: Double](uniqueKeysWithValues: map { ($0.key.rawValue, $0.value) })
    }
}
