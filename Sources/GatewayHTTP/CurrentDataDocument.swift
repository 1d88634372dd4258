public import Foundation

/// The site's data as a cloud EMS receives it by push and `GET /api/current-data` returns it:
/// clever-PV's legacy fields, OpenEMS channel addresses in `currentData`, and the control
/// modes available, active and rejected. Signs follow OpenEMS (docs/design.md §2.1).
public struct CurrentDataDocument: Codable, Sendable, Hashable {
    /// The site's name (OpenEMS `edgeId`).
    public var site: String
    /// When the data was taken.
    public var timestamp: Date
    /// Grid power, W (+ import, − export): `_sum/GridActivePower`.
    public var watt: Double?
    /// PV production, W ≥ 0: `_sum/ProductionActivePower`, the online PV devices' sum; `nil`
    /// while none is online.
    package var producingWatt: Double?
    /// Cluster SoC, % (capacity-weighted): `_sum/EssSoc`.
    public var soc: Double?
    /// Battery power as clever-PV's Push API defines it: the magnitude in whole watts, always
    /// ≥ 0, with the direction in `powerStorageState` (the signed value is
    /// `_sum/EssDischargePower` in `currentData`).
    public var chargingPower: Int?
    /// clever-PV's storage state: 0 idle, 1 charging, 2 disabled (no online battery), 3 discharging.
    package var powerStorageState: Int
    /// Values by OpenEMS channel address (`_sum/EssSoc`, `bat1/ActivePower`); `null` when unknown.
    package var currentData: [String: Double?]
    /// Per target key (`ess`, `evcs`, device ids): the modes it offers this source now.
    package var availableControlModes: [String: [ModeOffer]]
    /// Per target key: the command in force with the highest precedence.
    package var activeControlModes: [String: ActiveControlMode]
    /// What earlier requests asked that changed nothing, and why.
    package var rejectedControlModes: [RejectedControlMode]

    public init(
        site: String, timestamp: Date, watt: Double?, producingWatt: Double?, soc: Double?, chargingPower: Int?,
        powerStorageState: Int, currentData: [String: Double?], availableControlModes: [String: [ModeOffer]],
        activeControlModes: [String: ActiveControlMode], rejectedControlModes: [RejectedControlMode]
    ) {
        self.site = site
        self.timestamp = timestamp
        self.watt = watt
        self.producingWatt = producingWatt
        self.soc = soc
        self.chargingPower = chargingPower
        self.powerStorageState = powerStorageState
        self.currentData = currentData
        self.availableControlModes = availableControlModes
        self.activeControlModes = activeControlModes
        self.rejectedControlModes = rejectedControlModes
    }

    private enum CodingKeys: String, CodingKey {
        case site, timestamp, watt, producingWatt, soc, chargingPower, powerStorageState, currentData
        case availableControlModes, activeControlModes, rejectedControlModes
    }

    /// Unknown values are written as `null`, not left out: a receiver sees the field exists.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(site, forKey: .site)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(watt, forKey: .watt)
        try container.encode(producingWatt, forKey: .producingWatt)
        try container.encode(soc, forKey: .soc)
        try container.encode(chargingPower, forKey: .chargingPower)
        try container.encode(powerStorageState, forKey: .powerStorageState)
        try container.encode(currentData, forKey: .currentData)
        try container.encode(availableControlModes, forKey: .availableControlModes)
        try container.encode(activeControlModes, forKey: .activeControlModes)
        try container.encode(rejectedControlModes, forKey: .rejectedControlModes)
    }
}
